/**
 * The manifest kept by builds (contract, Part 2): fields and order, lengths cross-checked with
 * ffprobe, byte-identical on a no-op build that decodes nothing, rewritten when missing or
 * outdated, reported stale by --frozen. Real builds against the simulator over HTTP.
 */
import { execFile } from 'node:child_process';
import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ffprobeInstaller from '@ffprobe-installer/ffprobe';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { ManifestSchema } from '../../src/delivery/manifest-schema.js';
import { MANIFEST_SCHEMA_FILE } from '../../src/schema/json-schema.js';
import { runBuild } from '../build/run-build.js';
import { audibleMp3 } from '../ffmpeg/make-audio.js';
import { validateJson } from '../helpers/mini-validator.js';
import { FAST_API, makeProject, simulator } from '../helpers/project.js';
import { REPO_ROOT } from '../helpers/repo.js';
import { simEnv } from '../helpers/sim.js';

const run = promisify(execFile);

const CONFIG = `version: 1
include: ["audio/**/*.audio.yaml"]
outDir: game/audio
cacheDir: cache
${FAST_API}defaults:
  voice: { voice: Rachel }
manifest: { json: game/audio/manifest.json, csv: game/audio/manifest.csv }
cast:
  Smith: { voice: George }
`;

const SPEC = `assets:
  - { id: smith.greet, kind: voice, speaker: Smith, text: "Need a blade, \\"friend\\"?", out: npc/greet.mp3 }
  - { id: coin, kind: effect, text: "Coin drop", duration_seconds: 0.5, out: sfx/coin.mp3 }
  - { id: a.first, kind: voice, text: "First, in order.", out: npc/first.mp3 }
`;

async function project() {
  const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/main.audio.yaml': SPEC });
  const sim = await simulator();
  return { dir, env: simEnv(sim), json: join(dir, 'game/audio/manifest.json'), csv: join(dir, 'game/audio/manifest.csv') };
}

async function probeSeconds(file: string): Promise<number> {
  const { stdout } = await run(ffprobeInstaller.path, ['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', file]);
  return Number(stdout.trim());
}

describe('manifest', () => {
  it('lists every output sorted by id with the contract fields, lengths as ffprobe measures them', async () => {
    const { dir, env, json, csv } = await project();
    const result = await runBuild(dir, env);
    expect(result.failures).toEqual([]);
    const written = JSON.parse(await readFile(json, 'utf8'));
    const schema = JSON.parse(await readFile(join(REPO_ROOT, 'schemas', MANIFEST_SCHEMA_FILE), 'utf8'));
    expect(validateJson(schema, written, schema)).toEqual([]);
    const manifest = ManifestSchema.parse(written);
    expect(manifest.assets.map((r) => r.id)).toEqual(['a.first', 'coin', 'smith.greet']);
    const lock = JSON.parse(await readFile(join(dir, 'kieaudio.lock'), 'utf8'));
    const greet = manifest.assets[2];
    expect(greet).toMatchObject({
      kind: 'voice',
      out: 'game/audio/npc/greet.mp3',
      speaker: 'Smith',
      language: null,
      voice: 'George',
      text: 'Need a blade, "friend"?',
      loudnessLufs: null,
      truePeakDb: null,
      subtitles: null,
      sha256: lock.assets['npc/greet.mp3'].contentHash,
      specHash: lock.assets['npc/greet.mp3'].specHash,
    });
    expect(manifest.assets[1]).toMatchObject({ kind: 'effect', speaker: null, voice: null, text: null });
    for (const row of manifest.assets) {
      // an MP3 frame is 26 ms: the container's length and the decoded one agree within that
      expect(Math.abs(row.durationSeconds - (await probeSeconds(join(dir, row.out)))), row.id).toBeLessThan(0.03);
    }
    const records = parse(await readFile(csv, 'utf8'), { columns: true }) as Record<string, string>[];
    expect(records.map((r) => [r.id, r.out, r.speaker, r.text, Number(r.durationSeconds)])).toEqual(
      manifest.assets.map((r) => [r.id, r.out, r.speaker ?? '', r.text ?? '', r.durationSeconds]),
    );
  });

  it('is left byte-identical by a no-op build, which decodes no audio', async () => {
    const { dir, env, json, csv } = await project();
    await runBuild(dir, env);
    const before = { json: await readFile(json), csv: await readFile(csv), mtime: (await stat(json)).mtimeMs };
    // without the measurements kept in the cache, only decoding could give the lengths again
    await rm(join(dir, 'cache', 'media'), { recursive: true });
    const again = await runBuild(dir, env);
    expect(again.summary.upToDate).toBe(3);
    expect(await readFile(json)).toEqual(before.json);
    expect(await readFile(csv)).toEqual(before.csv);
    expect((await stat(json)).mtimeMs).toBe(before.mtime);
    await expect(stat(join(dir, 'cache', 'media'))).rejects.toThrow();
  });

  it('is reported stale by --frozen when missing or outdated, and written again by the next build', async () => {
    const { dir, env, json, csv } = await project();
    await runBuild(dir, env);
    const written = await readFile(json, 'utf8');
    expect((await runBuild(dir, env, { frozen: true })).staleManifests).toEqual([]);
    await rm(json);
    await writeFile(csv, 'id\nsomething else\n');
    expect((await runBuild(dir, env, { frozen: true })).staleManifests).toEqual([json, csv]);
    await expect(stat(json)).rejects.toThrow();
    await runBuild(dir, env);
    expect(await readFile(json, 'utf8')).toBe(written);
    expect((await runBuild(dir, env, { frozen: true })).staleManifests).toEqual([]);
  });

  it('follows a text change: the new row, no other', async () => {
    const { dir, env, json } = await project();
    await runBuild(dir, env);
    const before = ManifestSchema.parse(JSON.parse(await readFile(json, 'utf8')));
    await writeFile(join(dir, 'audio/main.audio.yaml'), SPEC.replace('First, in order.', 'First, and changed.'));
    await runBuild(dir, env);
    const after = ManifestSchema.parse(JSON.parse(await readFile(json, 'utf8')));
    expect(after.assets[0]?.text).toBe('First, and changed.');
    expect(after.assets[0]?.sha256).not.toBe(before.assets[0]?.sha256);
    expect(after.assets.slice(1)).toEqual(before.assets.slice(1));
  });

  it("never pairs a line's new text with its old audio: an output not yet rebuilt is left out until it is", async () => {
    const { dir, env, json } = await project();
    await runBuild(dir, env);
    await writeFile(join(dir, 'audio/main.audio.yaml'), SPEC.replace('First, in order.', 'First, and changed.'));
    await runBuild(dir, env, { only: ['coin'] });
    const partial = ManifestSchema.parse(JSON.parse(await readFile(json, 'utf8')));
    expect(partial.assets.map((row) => row.id)).toEqual(['coin', 'smith.greet']);
    await runBuild(dir, env);
    const whole = ManifestSchema.parse(JSON.parse(await readFile(json, 'utf8')));
    expect(whole.assets.map((row) => [row.id, row.text])).toContainEqual(['a.first', 'First, and changed.']);
  });

  it("takes loudness, true peak and length from post-processing's measurement in the lock", async () => {
    const dir = await makeProject({
      'kieaudio.config.yaml': `${CONFIG}post:\n  voice: { loudness: -23, truePeak: -1, format: wav }\n`,
      'audio/main.audio.yaml': 'assets:\n  - { id: hello, kind: voice, speaker: Smith, text: "Hello there.", out: vo/hello.wav }\n',
    });
    const audio = await audibleMp3(join(dir, 'result.mp3'), 0.2, 1, 0.2);
    const env = simEnv(await simulator({ resultAudio: () => audio }));
    expect((await runBuild(dir, env)).failures).toEqual([]);
    const measured = JSON.parse(await readFile(join(dir, 'kieaudio.lock'), 'utf8')).assets['vo/hello.wav'].post.measured;
    const [row] = ManifestSchema.parse(JSON.parse(await readFile(join(dir, 'game/audio/manifest.json'), 'utf8'))).assets;
    expect(row).toMatchObject({ loudnessLufs: measured.loudness, truePeakDb: measured.truePeak });
    expect(Math.abs(measured.loudness + 23)).toBeLessThanOrEqual(0.5);
    expect(row?.durationSeconds).toBe(Math.round(measured.duration * 1000) / 1000);
    expect(Math.abs((row?.durationSeconds ?? 0) - (await probeSeconds(join(dir, 'game/audio/vo/hello.wav'))))).toBeLessThan(0.002);
  });

  it('leaves out, with a warning, an output replaced by hand with something that is not audio', async () => {
    const { dir, env, json } = await project();
    await runBuild(dir, env);
    // nothing left that knows its length but the audio itself
    await rm(json);
    await rm(join(dir, 'game/audio/manifest.csv'));
    await rm(join(dir, 'cache', 'media'), { recursive: true });
    await writeFile(join(dir, 'game/audio/sfx/coin.mp3'), 'not audio');
    const result = await runBuild(dir, env);
    expect(result.failures).toEqual([]);
    expect(result.events.filter((e) => e.type === 'warning')).toEqual([
      expect.objectContaining({ code: 'E_FFMPEG_FAILED', asset: 'coin', message: expect.stringContaining('left out of the manifest') }),
    ]);
    const manifest = ManifestSchema.parse(JSON.parse(await readFile(json, 'utf8')));
    expect(manifest.assets.map((r) => r.id)).toEqual(['a.first', 'smith.greet']);
  });
});
