/**
 * Issue 11 items 5 and 6 together: the example game built --offline passes `kieaudio check` (its
 * audible placeholders have sound, no dead air, a steady speech rate), and check still flags what
 * is wrong with a placeholder broken by hand. Through the library: no CLI spawned.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { check } from '../../src/index.js';
import { runBuild } from '../build/run-build.js';
import { makeAudio } from '../ffmpeg/make-audio.js';
import { exampleProject } from '../helpers/project.js';

const OUT = 'examples/assets/audio';

describe('check on an --offline build', () => {
  it('passes the example game, and flags placeholders clipped, silenced or truncated by hand', async () => {
    const dir = await exampleProject();
    const build = await runBuild(dir, {}, { offline: true });
    expect(build.failures).toEqual([]);
    const clean = await check({ cwd: dir, env: {} });
    expect(clean.assets.length).toBe(build.project.assets.length);
    expect(clean.assets.filter((a) => a.problems.length > 0).map((a) => [a.asset.out, a.problems])).toEqual([]);
    // the scene file, its lines 0.4 s apart, passes too
    expect(clean.scenes.map((s) => [s.scene.out, s.problems])).toEqual([['dialogue/mine/scene.ogg', []]]);

    const [first, second, third] = build.project.assets.filter((a) => a.kind === 'voice' && a.out.endsWith('.mp3'));
    const effect = build.project.assets.find((a) => a.kind === 'effect' && a.out.endsWith('.wav'));
    if (first === undefined || second === undefined || third === undefined || effect === undefined) throw new Error('the example changed');
    const mp3 = ['-ar', '44100', '-c:a', 'libmp3lame'];
    await makeAudio(join(dir, OUT, first.out), 'anullsrc=r=44100:cl=mono', ['-t', '2', ...mp3]);
    await makeAudio(join(dir, OUT, second.out), 'sine=f=300:d=0.1:sample_rate=44100', mp3);
    await makeAudio(join(dir, OUT, effect.out), 'sine=f=1000:d=1:sample_rate=44100,volume=20dB', ['-c:a', 'pcm_s16le']);
    const broken = await check({ cwd: dir, env: {} });
    const found = Object.fromEntries(
      broken.assets.filter((a) => a.problems.length > 0).map((a) => [a.asset.out, a.problems.map((p) => p.kind)]),
    );
    expect(found).toEqual({ [first.out]: ['silent'], [second.out]: ['speech-rate'], [effect.out]: ['clipped'] });
    expect(third.out in found).toBe(false);
  });
});
