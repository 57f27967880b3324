import { describe, expect, it } from 'vitest';
import { renderDiagnostic } from '../../src/cli/diagnostics.js';
import { escapeControl } from '../../src/cli/escape.js';
import { renderEvent } from '../../src/cli/render-event.js';

const RAW = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

describe('text from outside is shown escaped', () => {
  it('escapes controls, keeps everything else', () => {
    expect(escapeControl('a\nb\u001b[31m\u0000\t\u009bé…')).toBe('a\\nb\\u001b[31m\\u0000\\t\\u009bé…');
    expect(escapeControl('one\ntwo\u0007', { keepNewlines: true })).toBe('one\ntwo\\u0007');
  });

  it('a diagnostic stays one line whatever its asset id or message holds', () => {
    const line = renderDiagnostic(
      {
        file: 'audio/x.audio.yaml',
        line: 3,
        col: 9,
        severity: 'error',
        code: 'E_X',
        asset: 'a\nb\u001b]0;pwned\u0007',
        message: 'found "\u0000"',
      },
      false,
    );
    expect(line).not.toMatch(RAW);
    expect(line.split('\n')).toHaveLength(1);
    expect(line).toContain('a\\nb\\u001b]0;pwned\\u0007');
  });

  it('an API message in a failed event cannot drive the terminal', () => {
    const text = renderEvent(
      { type: 'failed', asset: 'a', out: 'a.mp3', code: 'E_API', message: 'bad\r\u001b[2Kgood' },
      { color: false, verbose: false },
    );
    expect(text).toBe('failed    a.mp3  bad\\r\\u001b[2Kgood');
  });
});
