/**
 * Issue 11, `kieaudio check` through the built CLI, on files ffmpeg (the one npm installs) made
 * from lavfi sources, put at `out` by hand: what it flags, that a clean project passes, --json
 * against the committed schema, --only, bad thresholds, and that it changes nothing.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseJsonLine } from '../../src/cli/json-lines.js';
import { build, check } from '../../src/index.js';
import { EVENTS_SCHEMA_FILE, type JsonSchema } from '../../src/schema/json-schema.js';
import { makeAudio } from '../ffmpeg/make-audio.js';
import { kieaudio } from '../helpers/cli.js';
import { listFiles } from '../helpers/files.js';
import { validateJson } from '../helpers/mini-validator.js';
import { makeProject, tempDir } from '../helpers/project.js';
import { REPO_ROOT } from '../helpers/repo.js';

const committed = JSON.parse(await readFile(join(REPO_ROOT, 'schemas', EVENTS_SCHEMA_FILE), 'utf8')) as JsonSchema;

const config = (extra = '') => `version: 1
include: ["audio/*.audio.yaml"]
outDir: out
defaults:
  effect: { output_format: pcm_48000 }
${extra}`;

/** lavfi sources (each asks for the duration it has, but long, 2 s for 1): a 1 kHz sine at −18 dBFS peak (−21 LUFS), silence, the sine +20 dB (clipped), the sine after 1 s of silence */
const SOURCES = {
  clean: 'sine=f=1000:d=1:sample_rate=48000',
  silent: 'anullsrc=r=48000:cl=mono',
  clipped: 'sine=f=1000:d=1:sample_rate=48000,volume=20dB',
  late: 'sine=f=1000:d=1:sample_rate=48000,adelay=1000',
  long: 'sine=f=1000:d=2:sample_rate=48000',
} as const;

type Name = keyof typeof SOURCES;

/**
 * Each source made once per file (ffmpeg runs are what these tests cost), then copied into every
 * project that uses it: the bytes are the same whichever test asks.
 */
const made = new Map<Name, Promise<Buffer>>();
function sourceBytes(name: Name): Promise<Buffer> {
  let bytes = made.get(name);
  if (bytes === undefined) {
    bytes = tempDir('kieaudio-check-source-').then(async (dir) => {
      // anullsrc in ffmpeg 4.1 ignores d: -t bounds it
      const path = join(dir, `${name}.wav`);
      await makeAudio(path, SOURCES[name], ['-t', name === 'long' || name === 'late' ? '2' : '1']);
      return readFile(path);
    });
    made.set(name, bytes);
  }
  return bytes;
}

async function project(names: readonly Name[], extraConfig = '') {
  const spec = names
    .map((n) => `  - { id: ${n}, kind: effect, text: "${n} sound", out: sfx/${n}.wav, duration_seconds: ${n === 'late' ? 2 : 1} }`)
    .join('\n');
  const dir = await makeProject({ 'kieaudio.config.yaml': config(extraConfig), 'audio/sfx.audio.yaml': `assets:\n${spec}\n` });
  await mkdir(join(dir, 'out', 'sfx'), { recursive: true });
  for (const name of names) await writeFile(join(dir, 'out', 'sfx', `${name}.wav`), await sourceBytes(name));
  return dir;
}

/** Every file under dir, with its SHA-256 and modification time. */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const entries: Record<string, string> = {};
  for (const file of await listFiles(dir)) {
    const path = join(dir, file);
    const hash = createHash('sha256')
      .update(await readFile(path))
      .digest('hex');
    entries[file] = `${hash} ${(await stat(path)).mtimeMs}`;
  }
  return entries;
}

function jsonLines(stdout: string) {
  return stdout
    .split('\n')
    .filter((l) => l !== '')
    .map((line) => {
      expect(validateJson(committed, JSON.parse(line), committed), line).toEqual([]);
      return parseJsonLine(line);
    });
}

describe('kieaudio check', () => {
  it('flags a silent file, a clipped file, too much leading silence, a too-long effect and a missing file; one line each, exit 1', async () => {
    const dir = await project(['clean', 'silent', 'clipped', 'late', 'long']);
    const spec = await readFile(join(dir, 'audio/sfx.audio.yaml'), 'utf8');
    await writeFile(join(dir, 'audio/sfx.audio.yaml'), `${spec}  - { id: gone, kind: effect, text: gone, out: sfx/gone.wav }\n`);
    const before = await snapshot(dir);

    const run = await kieaudio(dir, ['check']);
    expect(run.code, run.stderr).toBe(1);
    const lines = run.stdout.trim().split('\n');
    expect(lines.filter((l) => l.startsWith('✗'))).toEqual([
      '✗ silent  sfx/silent.wav  silent: no integrated loudness (floor -70 LUFS)',
      expect.stringMatching(/^✗ clipped {2}sfx\/clipped\.wav {2}clipped: true peak \d\.\d\d dBTP > -0\.1 dBTP$/),
      expect.stringMatching(/^✗ late {2}sfx\/late\.wav {2}leading silence: 1\d\d\d ms > 500 ms$/),
      '✗ long  sfx/long.wav  too long: 2.00 s > 1.10 s (duration_seconds 1 + 10 %)',
      '✗ gone  sfx/gone.wav  missing: no file at out (kieaudio build makes it)',
    ]);
    expect(lines.at(-1)).toBe('check: 5 problems in 5 of 6 files');
    expect(await snapshot(dir), 'check changes no file').toEqual(before);
  });

  it('passes a clean project (exit 0); --quiet prints nothing, --verbose the measurements', async () => {
    const dir = await project(['clean']);
    const run = await kieaudio(dir, ['check']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toBe('✓ 1 file checked: all pass\n');
    const quiet = await kieaudio(dir, ['check', '-q']);
    expect([quiet.code, quiet.stdout]).toEqual([0, '']);
    const verbose = await kieaudio(dir, ['check', '--verbose']);
    expect(verbose.stdout).toMatch(/^✓ clean {2}sfx\/clean\.wav {2}-21\.\d LUFS, -18\.\d dBTP, 1\.00 s\n✓ 1 file checked: all pass\n$/);
  });

  it('--json: a check line per asset and a summary, valid against the committed schema; --only narrows', async () => {
    const dir = await project(['clean', 'clipped', 'silent']);
    const run = await kieaudio(dir, ['check', '--json', '--only', 'clean', '--only', 'clipped']);
    expect(run.code, run.stderr).toBe(1);
    const lines = jsonLines(run.stdout);
    expect(lines.map((l) => (l.type === 'check' ? l.asset : l.type))).toEqual(['clean', 'clipped', 'check-summary']);
    const [clean, clipped, summary] = lines;
    expect(clean).toMatchObject({ type: 'check', ok: true, problems: [] });
    if (clean?.type !== 'check' || clipped?.type !== 'check') throw new Error('expected check lines');
    expect(clean.measured?.loudness).toBeCloseTo(-21.1, 0);
    expect(clean.measured?.durationSeconds).toBeCloseTo(1, 2);
    expect(clipped.problems).toEqual([expect.objectContaining({ what: 'clipped', limit: -0.1, unit: 'dBTP' })]);
    expect(summary).toEqual({ v: 1, type: 'check-summary', checked: 2, failed: 1, problems: 1 });

    const one = await kieaudio(dir, ['check', '--json', '--only', 'clean']);
    expect(one.code, one.stderr).toBe(0);
  });

  it('reads its thresholds from check:, and a bad one is exit 2 with its position', async () => {
    const dir = await project(['late'], 'check: { maxSilenceMs: 1500 }\n');
    // what passes is the library's to say (how the CLI prints a pass: above)
    expect((await check({ cwd: dir, env: {} })).assets.map((a) => a.problems)).toEqual([[]]);

    const bad = await project(['clean'], 'check: { maxSilenceMs: -1, clipDb: 3 }\n');
    const run = await kieaudio(bad, ['check']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('kieaudio.config.yaml:6:24: error: check.maxSilenceMs: expected an integer from 0 to 60000, found -1');
    expect(run.stderr).toContain('kieaudio.config.yaml:6:36: error: check.clipDb: expected a number from -9 to 0 (dBTP), found 3');
  });

  it('a file ffmpeg cannot decode is a problem of that asset, not a crash', async () => {
    const dir = await project(['clean']);
    await writeFile(join(dir, 'out', 'sfx', 'clean.wav'), 'not audio at all');
    const run = await kieaudio(dir, ['check']);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stdout).toMatch(/^✗ clean {2}sfx\/clean\.wav {2}unreadable: /m);
  });
});

describe('kieaudio check on voice lines', () => {
  const voiceConfig = 'version: 1\ninclude: ["audio/*.audio.yaml"]\noutDir: out\ndefaults:\n  voice: { voice: Rachel }\n';
  const lines = (n: number) =>
    Array.from({ length: n }, (_, i) => `  - { id: l${i}, kind: voice, text: "Line number ${i} is spoken.", out: vo/l${i}.mp3 }`).join(
      '\n',
    );

  it('flags a line whose speech rate is far off the median (a truncated take)', async () => {
    const dir = await makeProject({ 'kieaudio.config.yaml': voiceConfig, 'audio/vo.audio.yaml': `assets:\n${lines(4)}\n` });
    await mkdir(join(dir, 'out', 'vo'), { recursive: true });
    for (const i of [0, 1, 2, 3]) {
      // 26 characters: about 13/s over 2 s of sound, but 260/s over the truncated line's 0.1 s
      const seconds = i === 3 ? 0.1 : 2;
      await makeAudio(join(dir, 'out', 'vo', `l${i}.mp3`), `sine=f=440:d=${seconds}:sample_rate=44100`, ['-c:a', 'libmp3lame']);
    }
    const run = await kieaudio(dir, ['check', '--json']);
    expect(run.code, run.stderr).toBe(1);
    const failed = jsonLines(run.stdout).filter((l) => l.type === 'check' && !l.ok);
    expect(failed).toEqual([expect.objectContaining({ asset: 'l3', problems: [expect.objectContaining({ what: 'speech-rate' })] })]);
  });

  it('passes offline placeholders (audible test signals), flags one silenced by hand, and changes nothing of a built project', async () => {
    const dir = await makeProject({ 'kieaudio.config.yaml': voiceConfig, 'audio/vo.audio.yaml': `assets:\n${lines(3)}\n` });
    // built in this process: what goes through the CLI here is check
    expect((await build({ cwd: dir, offline: true })).failures).toEqual([]);
    const passing = await check({ cwd: dir, env: {} });
    expect(passing.assets.flatMap((a) => a.problems)).toEqual([]);
    await makeAudio(join(dir, 'out', 'vo', 'l0.mp3'), 'anullsrc=r=44100:cl=mono', ['-t', '2', '-c:a', 'libmp3lame']);
    const before = await snapshot(dir);
    expect(Object.keys(before)).toEqual(expect.arrayContaining(['kieaudio.lock', 'out/vo/l0.mp3']));
    const run = await kieaudio(dir, ['check']);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('✗ l0  vo/l0.mp3  silent: no integrated loudness');
    expect(run.stdout).not.toContain('✗ l1');
    expect(await snapshot(dir), 'check changes no file, the lock and .kieaudio included').toEqual(before);
  });
});

describe('kieaudio check on scene files', () => {
  it('checks a scene file after the assets: one line per problem naming it, a check line with scene: true, counted in the summary', async () => {
    const voiceConfig = 'version: 1\ninclude: ["audio/*.audio.yaml"]\noutDir: out\ndefaults:\n  voice: { voice: Rachel }\n';
    const scene = `scenes:
  - id: mine.entrance
    out: mine/scene.ogg
    continuity: none
    lines:
      - { id: mine.l1, text: "The tracks go straight down.", out: mine/01.mp3 }
      - { id: mine.l2, text: "Then we're not the first.", out: mine/02.mp3 }
`;
    const dir = await makeProject({ 'kieaudio.config.yaml': voiceConfig, 'audio/mine.audio.yaml': scene });
    const build = await kieaudio(dir, ['build', '--offline']);
    expect(build.code, build.stderr).toBe(0);
    const passing = await kieaudio(dir, ['check']);
    expect([passing.code, passing.stdout]).toEqual([0, '✓ 3 files checked: all pass\n']);

    await makeAudio(join(dir, 'out', 'mine', 'scene.ogg'), 'anullsrc=r=44100:cl=mono', ['-t', '2', '-c:a', 'libvorbis']);
    const run = await kieaudio(dir, ['check']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      '✗ scene mine.entrance  mine/scene.ogg  silent: no integrated loudness (floor -70 LUFS)\ncheck: 1 problem in 1 of 3 files\n',
    );
    const json = await kieaudio(dir, ['check', '--json', '--only', 'mine.entrance']);
    expect(json.code, json.stderr).toBe(1);
    const [line, summary, ...rest] = jsonLines(json.stdout);
    expect(rest).toEqual([]);
    expect(line).toMatchObject({ type: 'check', asset: 'mine.entrance', out: 'mine/scene.ogg', scene: true, ok: false });
    expect(summary).toEqual({ v: 1, type: 'check-summary', checked: 1, failed: 1, problems: 1 });
    const assets = jsonLines((await kieaudio(dir, ['check', '--json', '--only', 'mine.l1'])).stdout);
    expect(assets.map((l) => (l.type === 'check' ? `${l.asset} ${'scene' in l}` : l.type))).toEqual([
      'mine.l1 false',
      'mine.entrance true',
      'check-summary',
    ]);
  });
});
