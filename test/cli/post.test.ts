/**
 * Issue 11, post-processing end to end through the built CLI: re-deriving for free when a target
 * changes, bad chains refused with their position, Ogg at the asked rate, a failing ffmpeg, and a
 * build killed while ffmpeg runs. ffmpeg is the one npm installs; the simulator serves audible
 * results the tests made with it. The builds that only set the scene or check what a build did run
 * in this process (what `kieaudio build` runs); what goes through the CLI is what it prints and
 * its exit codes, and the builds that need KIEAUDIO_FFMPEG (read from the process's environment).
 */
import { execFile } from 'node:child_process';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ffmpegInstaller from '@ffmpeg-installer/ffmpeg';
import { describe, expect, it, onTestFinished } from 'vitest';
import { renderDiagnostics } from '../../src/cli/diagnostics.js';
import { ValidationError } from '../../src/errors.js';
import { detectSilence } from '../../src/ffmpeg/silence.js';
import { type BuildEvent, build, status } from '../../src/index.js';
import { audibleMp3, ebur128, runner } from '../ffmpeg/make-audio.js';
import { kieaudio, spawnKieaudio } from '../helpers/cli.js';
import { listFiles, tempFiles } from '../helpers/files.js';
import { FAST_API, makeProject, simulator, tempDir } from '../helpers/project.js';
import { simEnv, totalRequests } from '../helpers/sim.js';

const run = promisify(execFile);

/** Made once per file (an ffmpeg encode), served by every test's simulator. */
let result: Promise<Buffer> | undefined;
function audibleResult(): Promise<Buffer> {
  result ??= tempDir().then((dir) => audibleMp3(join(dir, 'result.mp3'), 0.3, 1.5, 0.4));
  return result;
}

const config = (post: string) => `version: 1
include: ["audio/**/*.audio.yaml"]
outDir: out
${FAST_API}defaults:
  voice: { voice: Rachel }
post:
  voice: ${post}
`;

const SPEC = `assets:
  - { id: hello, kind: voice, text: "Hello there.", out: vo/hello.wav }
  - { id: bye, kind: voice, text: "Goodbye now.", out: vo/bye.wav }
`;

async function project(post: string, spec = SPEC) {
  const dir = await makeProject({ 'kieaudio.config.yaml': config(post), 'audio/main.audio.yaml': spec });
  const audio = await audibleResult();
  const sim = await simulator({ resultAudio: () => audio });
  return { dir, sim, env: simEnv(sim), out: (p: string) => join(dir, 'out', p) };
}

const setPost = (dir: string, post: string) => writeFile(join(dir, 'kieaudio.config.yaml'), config(post));

/** Measured independently of kieaudio: ffmpeg's ebur128 summary (true peak checked too). */
async function loudness(file: string): Promise<number> {
  const m = await ebur128(file);
  expect(m.truePeak).toBeLessThanOrEqual(-1);
  return m.lufs;
}

/** A stand-in ffmpeg: `-version` and measurements go to the real one; a processing run does `body`. */
async function fakeFfmpeg(body: string): Promise<string> {
  const path = join(await tempDir(), 'ffmpeg');
  const script = `#!/bin/sh
case "$*" in *kieaudio-tmp*) ;; *) exec "${ffmpegInstaller.path}" "$@" ;; esac
case "$*" in *"-f null"*) exec "${ffmpegInstaller.path}" "$@" ;; esac
for last; do :; done
${body}
`;
  await writeFile(path, script);
  await chmod(path, 0o755);
  return path;
}

describe('post-processing through the CLI', () => {
  it('a new target re-derives with 0 API requests: plan says why, --frozen counts it, outputs measure the new target', async () => {
    const { dir, sim, env, out } = await project('{ loudness: -23, truePeak: -1 }');
    expect((await build({ cwd: dir, env })).failures).toEqual([]);
    expect(Math.abs((await loudness(out('vo/hello.wav'))) + 23)).toBeLessThanOrEqual(0.5);

    await setPost(dir, '{ loudness: -18, truePeak: -1 }');
    const requests = totalRequests(sim);
    const plan = await kieaudio(dir, ['plan'], env);
    expect(plan.stdout).toContain('post-processing changed (loudness -23 → -18)');
    const frozen = await build({ cwd: dir, env, frozen: true });
    expect(frozen.stale.map((i) => i.asset.out).sort()).toEqual(['vo/bye.wav', 'vo/hello.wav']);
    const second = await build({ cwd: dir, env });
    expect(second.failures).toEqual([]);
    expect(totalRequests(sim)).toBe(requests);
    for (const file of ['vo/hello.wav', 'vo/bye.wav']) expect(Math.abs((await loudness(out(file))) + 18)).toBeLessThanOrEqual(0.5);
    const lock = JSON.parse(await readFile(join(dir, 'kieaudio.lock'), 'utf8'));
    expect(lock.assets['vo/hello.wav'].post.chain.loudness).toBe(-18);

    // back to -23: the derived cache has it, no ffmpeg run (and still no request)
    await setPost(dir, '{ loudness: -23, truePeak: -1 }');
    const processed: string[] = [];
    const back = await build({ cwd: dir, env, onEvent: (e) => e.type === 'processed' && processed.push(e.from) });
    expect(back.failures).toEqual([]);
    expect(processed).toEqual(['derived-cache', 'derived-cache']);
    expect(totalRequests(sim)).toBe(requests);
  });

  it('another ffmpeg build re-derives with 0 API requests, and plan names both', async () => {
    const { dir, sim, env } = await project('{ loudness: -23 }');
    expect((await build({ cwd: dir, env })).failures).toEqual([]);
    const requests = totalRequests(sim);
    // the same binary under another version name
    const renamed = join(await tempDir(), 'ffmpeg');
    await writeFile(
      renamed,
      `#!/bin/sh\ncase "$*" in *-version*) "${ffmpegInstaller.path}" "$@" | sed 's/^ffmpeg version [^ ]*/ffmpeg version 99.0-test/'; exit 0 ;; esac\nexec "${ffmpegInstaller.path}" "$@"\n`,
    );
    await chmod(renamed, 0o755);
    const plan = await kieaudio(dir, ['plan'], { ...env, KIEAUDIO_FFMPEG: renamed });
    expect(plan.stdout).toMatch(/ffmpeg changed \(\S+ \(libavfilter [\d.]+\) → 99\.0-test \(libavfilter [\d.]+\)\)/);
    const built = await kieaudio(dir, ['build', '--json'], { ...env, KIEAUDIO_FFMPEG: renamed });
    expect(built.code, built.stderr).toBe(0);
    expect(built.stdout.match(/"type":"processed"[^\n]*"from":"ffmpeg"/g)?.length).toBe(2);
    expect(totalRequests(sim)).toBe(requests);
    const lock = JSON.parse(await readFile(join(dir, 'kieaudio.lock'), 'utf8'));
    expect(lock.assets['vo/hello.wav'].post.ffmpeg).toMatch(/^99\.0-test /);
  });

  it('an out-of-range target and a format that out contradicts: exit 2 at file:line:col, nothing sent', async () => {
    const { dir, sim, env } = await project('{ loudness: -100 }');
    const bad = await kieaudio(dir, ['build'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(
      /^kieaudio\.config\.yaml:12:22: error: post\.voice\.loudness: expected a number from -70 to -5 \(LUFS\), found -100 \[E_POST\]\n/,
    );
    // the others as the CLI renders them (exit 2 and stderr as above), from the library's diagnostics
    const rendered = async () => {
      const error = await build({ cwd: dir, env }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ValidationError);
      return renderDiagnostics((error as ValidationError).diagnostics, false);
    };
    await setPost(dir, '{ format: ogg }');
    expect(await rendered()).toMatch(
      /^kieaudio\.config\.yaml:12:\d+: error in asset hello: post\.voice\.format: ogg writes \.ogg files, so out must end in \.ogg, found "vo\/hello\.wav" \[E_POST\]\n/,
    );
    await setPost(dir, '{ loudnes: -23 }');
    const unknown = await rendered();
    expect(unknown).toMatch(/^kieaudio\.config\.yaml:12:\d+: error: .*loudnes.*\[E_POST\]\n/);
    expect(unknown).toMatch(/loudness/);
    expect(totalRequests(sim)).toBe(0);
  });

  it('format: ogg decodes as Vorbis at the sample rate asked', async () => {
    const spec = 'assets:\n  - { id: hello, kind: voice, text: "Hello there.", out: vo/hello.ogg }\n';
    const { dir, env, out } = await project('{ loudness: -23, format: ogg, sampleRate: 48000, trim: { padMs: 50 } }', spec);
    expect((await build({ cwd: dir, env })).failures).toEqual([]);
    const probe = await run(ffmpegInstaller.path, ['-hide_banner', '-i', out('vo/hello.ogg'), '-f', 'null', '-']);
    expect(probe.stderr).toMatch(/Audio: vorbis, 48000 Hz/);
    expect(Math.abs((await loudness(out('vo/hello.ogg'))) + 23)).toBeLessThanOrEqual(0.5);
    // at most the pad at each end, plus what Vorbis adds in decoding (about 18 ms at the end)
    const silence = await detectSilence(runner, out('vo/hello.ogg'), { thresholdDb: -50, minSeconds: 0.001 });
    expect(silence.leadingSeconds).toBeLessThanOrEqual(0.05 + 0.005);
    expect(silence.trailingSeconds).toBeLessThanOrEqual(0.05 + 0.03);
  });

  it('ffmpeg failing on an asset: exit 1, its raw take stays cached, out untouched, no temp file left', async () => {
    const { dir, sim, env, out } = await project('{ loudness: -23 }');
    expect((await build({ cwd: dir, env })).failures).toEqual([]);
    const before = await readFile(out('vo/hello.wav'));
    await setPost(dir, '{ loudness: -18 }');
    const failing = await fakeFfmpeg('echo "Invalid data found when processing input" >&2\nexit 1');
    const requests = totalRequests(sim);
    const failed = await kieaudio(dir, ['build'], { ...env, KIEAUDIO_FFMPEG: failing });
    expect(failed.code).toBe(1);
    expect(failed.stdout + failed.stderr).toMatch(
      /post-processing vo\/hello\.wav failed \(raw take of task [0-9a-f]+\), left as it was: .*Invalid data found when processing input/,
    );
    expect(await readFile(out('vo/hello.wav'))).toEqual(before);
    expect(await tempFiles(dir)).toEqual([]);
    // the raw takes were cached: the real ffmpeg re-derives them without a request
    expect((await build({ cwd: dir, env })).failures).toEqual([]);
    expect(totalRequests(sim)).toBe(requests);
    expect(Math.abs((await loudness(out('vo/hello.wav'))) + 18)).toBeLessThanOrEqual(0.5);
  });

  it('a missing ffmpeg stops the build before anything is paid for, naming the override', async () => {
    const { dir, sim, env } = await project('{ loudness: -23 }');
    const missing = await kieaudio(dir, ['build'], { ...env, KIEAUDIO_FFMPEG: join(dir, 'no-such-ffmpeg') });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/ffmpeg at KIEAUDIO_FFMPEG=\S+no-such-ffmpeg is not usable: not found/);
    expect(sim.stats().createRequests).toBe(0);
    expect(await listFiles(dir)).not.toContain('kieaudio.lock');
  });

  it('ffmpeg failing right after a generation: the paid raw take is cached, and the next build derives it without a new task', async () => {
    const { dir, sim, env, out } = await project('{ loudness: -23 }');
    const failing = await fakeFfmpeg('exit 1');
    const failed = await kieaudio(dir, ['build'], { ...env, KIEAUDIO_FFMPEG: failing });
    expect(failed.code).toBe(1);
    expect(await listFiles(join(dir, 'out'))).toEqual([]);
    const tasks = sim.stats().tasksCreated;
    expect(tasks).toBe(2);
    expect((await build({ cwd: dir, env })).failures).toEqual([]);
    expect(sim.stats().tasksCreated).toBe(tasks);
    expect(Math.abs((await loudness(out('vo/bye.wav'))) + 23)).toBeLessThanOrEqual(0.5);
    expect((await status({ cwd: dir, env })).assets.map((e) => e.status)).toEqual(['up to date', 'up to date']);
  });

  it('a build killed after a processed output is installed, before the lock says so: the next build adopts it', async () => {
    const { dir, sim, env } = await project('{ loudness: -23 }');
    const killed = await kieaudio(dir, ['build'], { ...env, KIEAUDIO_FAILPOINT: 'after-install:1' });
    expect(killed.code).toBe(-1);
    const tasks = sim.stats().tasksCreated;
    const events: BuildEvent[] = [];
    const next = await build({ cwd: dir, env, onEvent: (e) => events.push(e) });
    expect(next.failures).toEqual([]);
    expect(events.some((e) => e.type === 'adopted')).toBe(true);
    expect(JSON.stringify(events)).not.toMatch(/edited by hand|not made by kieaudio/);
    expect(sim.stats().tasksCreated).toBe(tasks);
    const lock = JSON.parse(await readFile(join(dir, 'kieaudio.lock'), 'utf8'));
    for (const out of ['vo/hello.wav', 'vo/bye.wav']) expect(lock.assets[out].post.chain).toEqual({ loudness: -23, format: 'wav' });
    expect((await build({ cwd: dir, env })).summary.upToDate).toBe(2);
  });

  for (const signal of ['SIGINT', 'SIGKILL'] as const) {
    it(`a build killed (${signal}) while ffmpeg writes leaves no partial output`, async () => {
      const { dir, env } = await project(
        '{ loudness: -23 }',
        'assets:\n  - { id: hello, kind: voice, text: "Hello there.", out: vo/hello.wav }\n',
      );
      const fifo = join(await tempDir(), 'started');
      await run('mkfifo', [fifo]);
      // writes part of its output, says so (with its pid), then hangs as a slow ffmpeg would
      const hanging = await fakeFfmpeg(`printf 'RIFFpartial' > "$last"\necho $$ > "${fifo}"\nexec sleep 600`);
      const child = spawnKieaudio(dir, ['build'], { ...env, KIEAUDIO_FFMPEG: hanging }, onTestFinished);
      const pid = Number((await readFile(fifo, 'utf8')).trim());
      onTestFinished(() => {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone already: the build killed it
        }
      });
      child.proc.kill(signal);
      await child.exit;
      expect(await listFiles(join(dir, 'out'))).not.toContain('vo/hello.wav');
      expect((await tempFiles(join(dir, 'out'))).length).toBe(0);
      if (signal === 'SIGINT') expect(await tempFiles(dir)).toEqual([]);
    });
  }
});
