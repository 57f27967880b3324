import { mkdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { UP_TO_DATE_FILE } from '../../src/build/up-to-date-stamp.js';
import { SNAPSHOT_FILE } from '../../src/spec/project-snapshot.js';
import { kieaudio } from '../helpers/cli.js';
import { makeProject } from '../helpers/project.js';
import { CONFIG, later, MANIFEST, replay, run, SPEC, stamped as stampedProject, withoutDuration } from './stamped.js';

afterEach(() => {
  vi.useRealTimers();
});

/** The manifest is in this file's projects: its file is one the stamp holds by. */
const stamped = (files: Record<string, string> = {}) => stampedProject({ 'kieaudio.config.yaml': CONFIG + MANIFEST, ...files });

describe('the up-to-date stamp', () => {
  it('says what the no-op build said, without loading the project', async () => {
    const { dir, noop } = await stamped();
    expect(noop.result.summary.upToDate).toBe(2);
    const again = await replay(dir);
    expect(again.summary?.upToDate).toBe(2);
    expect(withoutDuration(again.events)).toEqual(withoutDuration(noop.events));
  });

  it('is not written by a build that made files just now, nor by one that did something', async () => {
    const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/lines.audio.yaml': SPEC });
    await run(dir);
    // everything up to date, but the outputs were written within the racy window
    await run(dir);
    await expect(stat(join(dir, '.kieaudio', UP_TO_DATE_FILE))).rejects.toMatchObject({ code: 'ENOENT' });
    expect((await replay(dir)).summary).toBeUndefined();
  });

  it('is dropped by a build that writes, and written again by the next no-op', async () => {
    const { dir } = await stamped();
    await writeFile(join(dir, 'audio/lines.audio.yaml'), SPEC.replace('Bravo two.', 'Bravo three.'));
    expect((await replay(dir)).summary).toBeUndefined();
    const changed = await run(dir);
    expect(changed.result.summary.generated).toBe(1);
    await expect(stat(join(dir, '.kieaudio', UP_TO_DATE_FILE))).rejects.toMatchObject({ code: 'ENOENT' });
    await later(5, () => run(dir));
    expect((await replay(dir)).summary?.upToDate).toBe(2);
  });

  it('does not hold once a spec file changes, even with the same size and mtime', async () => {
    const { dir } = await stamped();
    const path = join(dir, 'audio/lines.audio.yaml');
    const before = await stat(path);
    await writeFile(path, SPEC.replace('Alpha one.', 'Alpha 111.'));
    await utimes(path, before.atime, before.mtime);
    expect((await replay(dir)).summary).toBeUndefined();
  });

  const changes: Array<[string, (dir: string) => Promise<unknown>]> = [
    ['an output edited by hand', (dir) => writeFile(join(dir, 'out/a.mp3'), 'edited by hand')],
    ['an output deleted', (dir) => rm(join(dir, 'out/b.mp3'))],
    [
      'the lock edited',
      (dir) => readFile(join(dir, 'kieaudio.lock'), 'utf8').then((text) => writeFile(join(dir, 'kieaudio.lock'), `${text} `)),
    ],
    ['a task in the journal', (dir) => mkdir(join(dir, '.kieaudio/journal/x'), { recursive: true })],
    ['a .env added', (dir) => writeFile(join(dir, '.env'), 'KIE_API_BASE_URL=http://127.0.0.1:9\n')],
    ['the manifest deleted', (dir) => rm(join(dir, 'out/manifest.json'))],
    ['a new spec file', (dir) => writeFile(join(dir, 'audio/more.audio.yaml'), 'assets: []\n')],
    ['another build running', (dir) => writeFile(join(dir, '.kieaudio/build.lock'), '{}')],
  ];
  it.each(changes)('does not hold after %s', async (_, change) => {
    const { dir } = await stamped();
    await change(dir);
    expect((await replay(dir)).summary).toBeUndefined();
  });

  it('is what `kieaudio build` says: the same lines, and nothing loaded or written', async () => {
    const { dir, noop } = await stamped();
    await rm(join(dir, '.kieaudio', SNAPSHOT_FILE));
    const cli = await kieaudio(dir, ['build', '--offline', '--json']);
    expect(cli.code).toBe(0);
    const lines = cli.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(withoutDuration(lines)).toEqual(withoutDuration(noop.events).map((e) => ({ v: 1, ...e })));
    // a build that loaded the project would have written its snapshot again
    await expect(stat(join(dir, '.kieaudio', SNAPSHOT_FILE))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('holds only for the options and environment it was taken with', async () => {
    const { dir } = await stamped();
    expect((await replay(dir, { offline: false })).summary).toBeUndefined();
    expect((await replay(dir, { offline: true, only: ['a'] })).summary).toBeUndefined();
    expect((await replay(dir, { offline: true, env: { KIEAUDIO_CACHE_DIR: join(dir, 'elsewhere') } })).summary).toBeUndefined();
    // a variable resolution does not read changes nothing
    expect((await replay(dir, { offline: true, env: { KIE_API_KEY: 'another' } })).summary?.upToDate).toBe(2);
  });

  it('holds for a project with post-processing chains only while the ffmpeg a build would run is the same', async () => {
    const post = 'post:\n  voice: { loudness: -20 }\n';
    const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG + post, 'audio/lines.audio.yaml': SPEC });
    await run(dir);
    const noop = await later(5, () => run(dir));
    expect(noop.result.summary.upToDate).toBe(2);
    expect(withoutDuration((await replay(dir)).events)).toEqual(withoutDuration(noop.events));
    const before = process.env.KIEAUDIO_FFMPEG;
    process.env.KIEAUDIO_FFMPEG = join(dir, 'another-ffmpeg');
    try {
      expect((await replay(dir)).summary).toBeUndefined();
    } finally {
      if (before === undefined) delete process.env.KIEAUDIO_FFMPEG;
      else process.env.KIEAUDIO_FFMPEG = before;
    }
    expect((await replay(dir)).summary?.upToDate).toBe(2);
  });

  it('for chains, does not hold once an ffmpeg appears on PATH (a newer one there would be run)', async () => {
    const post = 'post:\n  voice: { loudness: -20 }\n';
    const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG + post, 'audio/lines.audio.yaml': SPEC });
    const bin = join(dir, 'bin');
    await mkdir(bin);
    const before = process.env.PATH;
    process.env.PATH = `${bin}${delimiter}${before ?? ''}`;
    try {
      await run(dir);
      await later(5, () => run(dir));
      expect((await replay(dir)).summary?.upToDate).toBe(2);
      await writeFile(join(bin, 'ffmpeg'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
      expect((await replay(dir)).summary).toBeUndefined();
    } finally {
      process.env.PATH = before;
    }
  });
});
