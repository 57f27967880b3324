import { describe, expect, test } from 'vitest';
import { describeOutputFormat, SPEECH_FORMAT } from '../../src/audio/format.js';
import { checkExtension, normalizeOut } from '../../src/spec/out-path.js';

describe('normalizeOut', () => {
  test('normalizes to a POSIX path inside outDir', () => {
    expect(normalizeOut('npc/guard/hello.mp3')).toEqual({ ok: true, out: 'npc/guard/hello.mp3' });
    expect(normalizeOut('./npc//guard/./hello.mp3')).toEqual({ ok: true, out: 'npc/guard/hello.mp3' });
    expect(normalizeOut('npc/x/../hello.mp3')).toEqual({ ok: true, out: 'npc/hello.mp3' });
    expect(normalizeOut('with space.mp3')).toEqual({ ok: true, out: 'with space.mp3' });
  });

  test.each([
    ['../x.mp3', 'which leaves it through ".."'],
    ['a/../../x.mp3', 'which leaves it through ".."'],
    ['..', 'which leaves it through ".."'],
    ['/etc/x.mp3', 'which is absolute'],
    ['//server/share/x.mp3', 'which is absolute'],
    ['C:/x.mp3', 'which starts with a drive letter'],
    ['c:x.mp3', 'which starts with a drive letter'],
    ['a\\b.mp3', 'which contains a backslash (write "a/b.mp3")'],
    ['..\\x.mp3', 'which contains a backslash (write "../x.mp3")'],
    ['a\0.mp3', 'which contains a NUL byte'],
  ])('%j escapes outDir', (raw, why) => {
    const result = normalizeOut(raw);
    expect(result).toEqual({
      ok: false,
      code: 'E_OUT_ESCAPES',
      message: `expected a relative path inside outDir, found ${JSON.stringify(raw)}, ${why}`,
    });
  });

  test.each([
    ['a?.mp3', 'which contains "?", a character Windows does not allow in file names'],
    ['ab:c.mp3', 'which contains ":", a character Windows does not allow in file names'],
    ['a\nb.mp3', 'which contains a control character'],
    ['.', 'which names a folder, not a file'],
    ['sfx/', 'which names a folder, not a file'],
    ['CON.mp3', 'which contains "CON.mp3": CON is a device name Windows reserves, with any extension (CON, PRN, AUX, NUL, COM1–9, LPT1–9)'],
    ['a/Aux/b.mp3', 'which contains "Aux": AUX is a device name Windows reserves, with any extension (CON, PRN, AUX, NUL, COM1–9, LPT1–9)'],
    [
      'lpt3.x.wav',
      'which contains "lpt3.x.wav": LPT3 is a device name Windows reserves, with any extension (CON, PRN, AUX, NUL, COM1–9, LPT1–9)',
    ],
  ])('%j is not a portable file path', (raw, why) => {
    expect(normalizeOut(raw)).toEqual({
      ok: false,
      code: 'E_OUT_INVALID',
      message: `expected a file path that works on every platform, found ${JSON.stringify(raw)}, ${why}`,
    });
  });
});

test('a file name that is only an extension is named as such', () => {
  expect(normalizeOut('v/.mp3')).toEqual({
    ok: false,
    code: 'E_OUT_INVALID',
    message:
      'expected a file name before the extension, found "v/.mp3", whose file name ".mp3" is only an extension (write e.g. "v/name.mp3")',
  });
  expect(normalizeOut('v/.hidden.mp3')).toEqual({ ok: true, out: 'v/.hidden.mp3' });
  expect(normalizeOut('console.mp3')).toEqual({ ok: true, out: 'console.mp3' });
});

describe('checkExtension', () => {
  test('voice lines are .mp3 (any case)', () => {
    expect(checkExtension('a.mp3', 'voice', SPEECH_FORMAT, false)).toBeUndefined();
    expect(checkExtension('a.MP3', 'voice', SPEECH_FORMAT, false)).toBeUndefined();
    expect(checkExtension('a.wav', 'voice', SPEECH_FORMAT, false)).toBe(
      'expected a path ending in ".mp3" because voice lines are MP3, found "a.wav"',
    );
  });

  test('effects follow output_format', () => {
    const fits = (out: string, format: string) => checkExtension(out, 'effect', describeOutputFormat(format), true) === undefined;
    expect(fits('a.mp3', 'mp3_22050_32')).toBe(true);
    expect(fits('a.wav', 'pcm_44100')).toBe(true);
    expect(fits('a.wav', 'ulaw_8000')).toBe(true);
    expect(fits('a.wav', 'alaw_8000')).toBe(true);
    expect(fits('a.ogg', 'opus_48000_64')).toBe(true);
    expect(fits('a.opus', 'opus_48000_64')).toBe(true);
    expect(fits('a.mp3', 'pcm_16000')).toBe(false);
    expect(fits('a', 'mp3_44100_128')).toBe(false);
    expect(checkExtension('a.mp3', 'effect', describeOutputFormat('opus_48000_128'), true)).toBe(
      'expected a path ending in ".ogg" or ".opus" because output_format opus_48000_128 produces Opus in an Ogg file, found "a.mp3"',
    );
    expect(checkExtension('a.wav', 'effect', describeOutputFormat('mp3_44100_128'), false)).toBe(
      'expected a path ending in ".mp3" because output_format mp3_44100_128 (the default) produces MP3, found "a.wav"',
    );
  });
});
