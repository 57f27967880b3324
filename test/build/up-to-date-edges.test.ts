/**
 * Review of the up-to-date stamp (build/up-to-date.ts): cases where the stamp is trusted although
 * a full build would decide or say something else.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { mkdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { replayUpToDate } from '../../src/build/up-to-date.js';
import { UP_TO_DATE_FILE } from '../../src/build/up-to-date-stamp.js';
import type { BuildEvent } from '../../src/events.js';
import { kieaudio } from '../helpers/cli.js';
import { makeProject } from '../helpers/project.js';
import { CONFIG, later, MANIFEST, run, SPEC, stamped } from './stamped.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('the up-to-date stamp at the edges', () => {
  it('is not trusted when the lock changed while the no-op build ran (after it was read, before the stamp)', async () => {
    const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/lines.audio.yaml': SPEC });
    await run(dir);
    const lockPath = join(dir, 'kieaudio.lock');
    let edited = false;
    // another process (git checkout, `kieaudio pin`, a teammate's lock) rewrites the lock after this
    // build read it; the build takes a few seconds more (the clock is moved, as the stamp tests do)
    await later(5, () =>
      run(dir, {
        onEvent: (e) => {
          if (e.type !== 'planned' || edited) return;
          edited = true;
          const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
          lock.assets['a.mp3'].contentHash = '0'.repeat(64);
          writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
        },
      }),
    );
    expect(edited).toBe(true);
    const replayed = await replayUpToDate({ cwd: dir, env: {}, offline: true });
    const full = await run(dir);
    // a full build leaves a.mp3 alone as not kieaudio's ('kept'): only b is up to date
    expect(full.result.summary.upToDate).toBe(1);
    expect(full.events.some((e) => e.type === 'kept' && e.asset === 'a')).toBe(true);
    // …and the stamp, had it been written, would have said both are
    expect(replayed).toBeUndefined();
  });
  it('does not hold for a project with a manifest once the ffmpeg that measures its lengths changes (no post chains)', async () => {
    // an ffmpeg that answers -version but cannot decode (a build without mp3 support, say)
    const { default: installer } = await import('@ffmpeg-installer/ffmpeg');
    const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG + MANIFEST, 'audio/lines.audio.yaml': SPEC });
    const broken = join(dir, 'broken-ffmpeg');
    await writeFile(
      broken,
      `#!/bin/sh\nif [ "$1" = "-version" ]; then exec ${installer.path} -version; fi\necho "no decoder" >&2\nexit 1\n`,
      {
        mode: 0o755,
      },
    );
    const before = process.env.KIEAUDIO_FFMPEG;
    process.env.KIEAUDIO_FFMPEG = broken;
    try {
      await run(dir);
      const noop = await later(5, () => run(dir));
      // the manifest leaves both out, with a warning each: repeatable, so stamped
      expect(noop.events.filter((e) => e.type === 'warning')).toHaveLength(2);
      await stat(join(dir, '.kieaudio', UP_TO_DATE_FILE));
    } finally {
      if (before === undefined) delete process.env.KIEAUDIO_FFMPEG;
      else process.env.KIEAUDIO_FFMPEG = before;
    }
    // the user fixes ffmpeg: a full build would measure both and write them into the manifest
    const replayed: BuildEvent[] = [];
    const summary = await replayUpToDate({ cwd: dir, env: {}, offline: true, onEvent: (e) => replayed.push(e) });
    const full = await run(dir);
    expect(full.events.filter((e) => e.type === 'warning')).toHaveLength(0);
    expect(JSON.parse(await readFile(join(dir, 'out/manifest.json'), 'utf8')).assets ?? []).not.toHaveLength(0);
    // …while the stamp repeats the two warnings and leaves the manifest without them
    expect(summary === undefined ? [] : replayed.filter((e) => e.type === 'warning')).toHaveLength(0);
  });
  it('does not hold once the .env changes when the .env is a link (as a shared one often is)', async () => {
    const dir = await makeProject({
      'kieaudio.config.yaml': CONFIG,
      'audio/lines.audio.yaml': SPEC,
      'shared.env': 'KIE_API_KEY=x\nthis line is no KEY=VALUE\n',
    });
    await symlink('shared.env', join(dir, '.env'));
    await run(dir);
    const noop = await later(5, () => run(dir));
    expect(noop.events.filter((e) => e.type === 'warning')).toHaveLength(1);
    await stat(join(dir, '.kieaudio', UP_TO_DATE_FILE));
    // the user fixes the line: the link itself (what the stamp looked at, with lstat) is unchanged
    await writeFile(join(dir, 'shared.env'), 'KIE_API_KEY=x\n');
    const replayed: BuildEvent[] = [];
    const summary = await replayUpToDate({ cwd: dir, env: {}, offline: true, onEvent: (e) => replayed.push(e) });
    const full = await run(dir);
    expect(full.events.filter((e) => e.type === 'warning')).toHaveLength(0);
    expect(summary === undefined ? [] : replayed.filter((e) => e.type === 'warning')).toHaveLength(0);
  });
  it("falls back to the build, not an error, when an output's folder is now a file (lstat: ENOTDIR)", async () => {
    const spec = 'assets:\n  - { id: a, kind: voice, text: "Alpha one.", out: npc/a.mp3 }\n';
    const { dir } = await stamped({ 'kieaudio.config.yaml': CONFIG, 'audio/lines.audio.yaml': spec });
    await rm(join(dir, 'out/npc'), { recursive: true });
    await writeFile(join(dir, 'out/npc'), 'a file where the folder was');
    // a full build says what it makes of it (the output is missing); the stamp must simply not hold
    await expect(replayUpToDate({ cwd: dir, env: {}, offline: true })).resolves.toBeUndefined();
  });

  it("falls back to the build, not an error, when a spec file's folder is now a file", async () => {
    const config = 'version: 1\ninclude: ["audio/npc/*.audio.yaml"]\noutDir: out\ndefaults:\n  voice: { voice: Rachel }\n';
    const { dir } = await stamped({ 'kieaudio.config.yaml': config, 'audio/npc/lines.audio.yaml': SPEC });
    await rm(join(dir, 'audio/npc'), { recursive: true });
    await writeFile(join(dir, 'audio/npc'), 'a file where the folder was');
    await mkdir(join(dir, 'audio/other'), { recursive: true });
    await expect(replayUpToDate({ cwd: dir, env: {}, offline: true })).resolves.toBeUndefined();
  });
  it("kieaudio build with a stamp does what it does without one when an output's folder is now a file", async () => {
    const spec = 'assets:\n  - { id: a, kind: voice, text: "Alpha one.", out: npc/a.mp3 }\n';
    const { dir } = await stamped({ 'kieaudio.config.yaml': CONFIG, 'audio/lines.audio.yaml': spec });
    await rm(join(dir, 'out/npc'), { recursive: true });
    await writeFile(join(dir, 'out/npc'), 'a file where the folder was');
    const withStamp = await kieaudio(dir, ['build', '--offline']);
    // (the build that found the stamp not holding has dropped it already)
    await rm(join(dir, '.kieaudio', UP_TO_DATE_FILE), { force: true });
    const without = await kieaudio(dir, ['build', '--offline']);
    expect({ code: withStamp.code, stderr: withStamp.stderr }).toEqual({ code: without.code, stderr: without.stderr });
  });
  it('is written for a project with chains although a PATH entry is a file (ENOTDIR when looking for ffmpeg in it)', async () => {
    const post = 'post:\n  voice: { loudness: -20 }\n';
    const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG + post, 'audio/lines.audio.yaml': SPEC, 'not-a-dir': 'x' });
    const before = process.env.PATH;
    process.env.PATH = `${join(dir, 'not-a-dir')}${delimiter}${before ?? ''}`;
    try {
      await run(dir);
      const noop = await later(5, () => run(dir));
      expect(noop.result.summary.upToDate).toBe(2);
      // a full build runs fine with such a PATH (locate.ts passes over it); the stamp should be written
      await expect(stat(join(dir, '.kieaudio', UP_TO_DATE_FILE))).resolves.toBeDefined();
    } finally {
      process.env.PATH = before;
    }
  });
});
