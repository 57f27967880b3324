import { describe, expect, it } from 'vitest';
import { isSafeRelativePath, type LockEntry, parseLockFile, sameLockEntry, serializeLockFile } from '../../src/store/lock-file.js';

const entry = {
  id: 'x',
  kind: 'voice',
  model: 'm',
  input: { voice: 'Rachel', text: 'hi' },
  specHash: 'a'.repeat(64),
  contentHash: 'b'.repeat(64),
  size: 3,
};

describe('lock file', () => {
  it('serializes deterministically with sorted keys and a trailing newline', () => {
    const one = serializeLockFile({ version: 1, assets: { 'b.mp3': entry as never, 'a.mp3': entry as never } });
    const two = serializeLockFile({ version: 1, assets: { 'a.mp3': entry as never, 'b.mp3': entry as never } });
    expect(one).toBe(two);
    expect(one.endsWith('}\n')).toBe(true);
    expect(one.indexOf('"a.mp3"')).toBeLessThan(one.indexOf('"b.mp3"'));
    expect(one.indexOf('"text"')).toBeLessThan(one.indexOf('"voice"'));
    expect(serializeLockFile(parseLockFile(one, 'kieaudio.lock'))).toBe(one);
  });

  it('reads entries with and without a pin; a pin is a change of the entry, and only a take number is one', () => {
    const pinned = { ...entry, pinned: 2 } as LockEntry;
    const text = serializeLockFile({ version: 1, assets: { 'a.mp3': entry as LockEntry, 'b.mp3': pinned } });
    const lock = parseLockFile(text, 'kieaudio.lock');
    expect(lock.assets['a.mp3']?.pinned).toBeUndefined();
    expect(lock.assets['b.mp3']?.pinned).toBe(2);
    expect(sameLockEntry(entry as LockEntry, pinned)).toBe(false);
    expect(sameLockEntry(pinned, { ...pinned })).toBe(true);
    for (const bad of [0, 1.5, '2', true]) {
      const json = `{"version":1,"assets":{"a.mp3":${JSON.stringify({ ...entry, pinned: bad })}}}`;
      expect(() => parseLockFile(json, 'kieaudio.lock'), String(bad)).toThrow(/pinned/);
    }
  });

  it('rejects damaged files with a clear message', () => {
    expect(() => parseLockFile('{', 'kieaudio.lock')).toThrow(/not valid JSON/);
    expect(() => parseLockFile('<<<<<<< HEAD\n{}\n=======\n{}\n>>>>>>> x\n', 'kieaudio.lock')).toThrow(/merge conflict/);
    expect(() => parseLockFile(`{"version":1,"assets":{"../x.mp3":${JSON.stringify(entry)}}}`, 'kieaudio.lock')).toThrow(/unsafe/);
  });

  it('a damaged lock is E_LOCK_DAMAGED, naming both safe fixes; one from a newer kieaudio says to upgrade', () => {
    const damaged = ['', '{"version":1,"assets":{"a', '[]', '{"version":1,"assets":{"a.mp3":{"id":1}}}', '<<<<<<< ours\n{}\n'];
    for (const text of damaged) {
      let error: unknown;
      try {
        parseLockFile(text, 'game/kieaudio.lock');
      } catch (e) {
        error = e;
      }
      expect(error, JSON.stringify(text)).toMatchObject({
        code: 'E_LOCK_DAMAGED',
        message: expect.stringMatching(/^game\/kieaudio\.lock is damaged: .*git checkout .*-- game\/kieaudio\.lock.*; or delete it: /),
      });
    }
    expect(() => parseLockFile('{"version":2,"assets":{}}', 'kieaudio.lock')).toThrow(/written by a newer kieaudio \(lock version 2\)/);
  });

  it('an out named __proto__ (never a valid out: no extension) pollutes nothing', () => {
    const lock = parseLockFile(`{"version":1,"assets":{"__proto__":${JSON.stringify(entry)}}}`, 'kieaudio.lock');
    expect(Object.getPrototypeOf(lock.assets)).toBeNull();
    expect((lock.assets as Record<string, unknown>).id).toBeUndefined();
    expect(({} as Record<string, unknown>).id).toBeUndefined();
  });

  it('knows safe relative paths', () => {
    for (const ok of ['a.mp3', 'npc/a.mp3', 'a..b.mp3']) expect(isSafeRelativePath(ok)).toBe(true);
    for (const bad of ['', '../a', 'a/../b', '/a', 'C:/a', 'a\\b', 'a//b', './a', 'a\0b']) expect(isSafeRelativePath(bad), bad).toBe(false);
  });

  it('sameLockEntry tells apart entries that differ in anything but their input', () => {
    const full: LockEntry = {
      id: 'a',
      kind: 'voice',
      model: 'm',
      input: { text: 'hi' },
      specHash: 'a'.repeat(64),
      contentHash: 'b'.repeat(64),
      size: 10,
      taskId: 't',
    };
    expect(sameLockEntry(full, { ...full, input: { text: 'hi' } })).toBe(true);
    const post = {
      chain: { loudness: -23, format: 'wav' },
      ffmpeg: '4.1',
      raw: 'c'.repeat(64),
      measured: { loudness: -23, truePeak: -1.5, duration: 1 },
    };
    expect(sameLockEntry({ ...full, post }, { ...full, post: { ...post, chain: { format: 'wav', loudness: -23 } } })).toBe(true);
    expect(sameLockEntry({ ...full, post }, { ...full, post: { ...post, chain: { loudness: -18, format: 'wav' } } })).toBe(false);
    expect(sameLockEntry({ ...full, post }, { ...full, post: { ...post, measured: { ...post.measured, loudness: -22.9 } } })).toBe(false);
    const changes: Partial<LockEntry>[] = [
      { id: 'b' },
      { kind: 'effect' },
      { model: 'n' },
      { specHash: 'c'.repeat(64) },
      { contentHash: 'c'.repeat(64) },
      { size: 11 },
      { taskId: 'u' },
      { placeholder: true },
      { post: { chain: { loudness: -23 }, ffmpeg: '4.1', raw: 'c'.repeat(64), measured: { loudness: -23, truePeak: -1.5, duration: 1 } } },
    ];
    for (const change of changes) expect(sameLockEntry(full, { ...full, ...change }), JSON.stringify(change)).toBe(false);
    const { taskId: _, ...withoutTask } = full;
    expect(sameLockEntry(full, withoutTask)).toBe(false);
  });
});

describe('sidecars in the lock', () => {
  const withSidecars = { ...entry, sidecars: { 'a.srt': 'c'.repeat(64), 'a.timings.json': 'd'.repeat(64) } } as LockEntry;

  it('are optional, read back, and part of what makes two entries the same', () => {
    const text = serializeLockFile({ version: 1, assets: { 'a.mp3': withSidecars } });
    expect(parseLockFile(text, 'kieaudio.lock').assets['a.mp3']?.sidecars).toEqual(withSidecars.sidecars);
    expect(sameLockEntry(withSidecars, { ...withSidecars, sidecars: { ...withSidecars.sidecars } })).toBe(true);
    expect(sameLockEntry(withSidecars, entry as LockEntry)).toBe(false);
    expect(sameLockEntry(withSidecars, { ...withSidecars, sidecars: { 'a.srt': 'c'.repeat(64), 'a.timings.json': 'e'.repeat(64) } })).toBe(
      false,
    );
  });

  it('a sidecar path that leaves outDir makes the lock damaged (clean deletes sidecars)', () => {
    const bad = { ...entry, sidecars: { '../../etc/passwd': 'c'.repeat(64) } };
    expect(() => parseLockFile(`{"version":1,"assets":{"a.mp3":${JSON.stringify(bad)}}}`, 'kieaudio.lock')).toThrow(/unsafe sidecar path/);
  });
});

describe('the written text in the lock', () => {
  it('is optional, read back, and part of what makes two entries the same', () => {
    const written = { ...entry, writtenText: 'Xyloth waits.' } as LockEntry;
    const text = serializeLockFile({ version: 1, assets: { 'a.mp3': written, 'b.mp3': entry as LockEntry } });
    const lock = parseLockFile(text, 'kieaudio.lock');
    expect(lock.assets['a.mp3']?.writtenText).toBe('Xyloth waits.');
    expect(lock.assets['b.mp3']?.writtenText).toBeUndefined();
    expect(sameLockEntry(written, { ...written })).toBe(true);
    expect(sameLockEntry(written, entry as LockEntry)).toBe(false);
    expect(sameLockEntry(written, { ...written, writtenText: 'Xyloth waits!' })).toBe(false);
  });
});
