/**
 * Issue 11 item 6: --offline placeholders are audible test signals, measured independently (the
 * length with ffprobe, the loudness with ffmpeg's ebur128): as long as the text or the requested
 * duration, in each asset's format, the same bytes every offline build, processed by `post:`
 * chains, and silent (with a warning) when ffmpeg is missing.
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ffprobe from '@ffprobe-installer/ffprobe';
import { describe, expect, it, vi } from 'vitest';
import { ebur128 } from '../ffmpeg/make-audio.js';
import { makeProject } from '../helpers/project.js';
import { runBuild } from './run-build.js';

const exec = promisify(execFile);

const CONFIG = `version: 1
include: ["audio/*.audio.yaml"]
outDir: out
defaults:
  voice: { voice: Rachel }
`;

const SHORT = 'Hello there, traveller.';
const LONG = 'The mine has been closed since the collapse, and nobody who went down after it came back up.';
const SPEC = `assets:
  - { id: short, kind: voice, text: "${SHORT}", out: vo/short.mp3 }
  - { id: long, kind: voice, text: "${LONG}", out: vo/long.mp3 }
  - { id: coin, kind: effect, text: "Coin drop", duration_seconds: 0.8, output_format: opus_48000_64, out: sfx/coin.ogg }
  - { id: fire, kind: effect, text: "Forge fire", duration_seconds: 3, output_format: pcm_22050, out: sfx/fire.wav }
  - { id: wind, kind: effect, text: "Wind", out: sfx/wind.mp3 }
`;

async function probe(path: string): Promise<{ seconds: number; codec: string; sampleRate: number }> {
  const args = ['-v', 'error', '-show_entries', 'format=duration:stream=codec_name,sample_rate', '-of', 'json', path];
  const { stdout } = await exec(ffprobe.path, args);
  const info = JSON.parse(stdout) as { format: { duration: string }; streams: Array<{ codec_name: string; sample_rate: string }> };
  const stream = info.streams[0];
  return { seconds: Number(info.format.duration), codec: stream?.codec_name ?? '', sampleRate: Number(stream?.sample_rate) };
}

async function offlineProject(spec = SPEC, config = CONFIG) {
  const dir = await makeProject({ 'kieaudio.config.yaml': config, 'audio/main.audio.yaml': spec });
  const result = await runBuild(dir, {}, { offline: true });
  expect(result.failures).toEqual([]);
  return { dir, result, out: (p: string) => join(dir, 'out', p) };
}

describe('audible --offline placeholders', () => {
  it('are as long as the text or duration_seconds asks, audible, in each asset’s format, and marked in the lock', async () => {
    const { dir, result, out } = await offlineProject();
    expect(result.events.filter((e) => e.type === 'warning')).toEqual([]);
    // speech at 15 characters a second (the simulator's rate), effects as asked, 2 s when not asked
    const expected: Record<string, [number, string, number]> = {
      'vo/short.mp3': [SHORT.length / 15, 'mp3', 44100],
      'vo/long.mp3': [LONG.length / 15, 'mp3', 44100],
      'sfx/coin.ogg': [0.8, 'opus', 48000],
      'sfx/fire.wav': [3, 'pcm_s16le', 22050],
      'sfx/wind.mp3': [2, 'mp3', 44100],
    };
    for (const [file, [seconds, codec, sampleRate]] of Object.entries(expected)) {
      const probed = await probe(out(file));
      expect(probed, file).toMatchObject({ codec, sampleRate });
      // MP3 frames and Opus pre-skip round the length a little
      expect(Math.abs(probed.seconds - seconds), file).toBeLessThanOrEqual(0.06);
      const { lufs, truePeak } = await ebur128(out(file));
      expect(lufs, `${file} is well above silence`).toBeGreaterThan(-35);
      expect(truePeak, `${file} does not clip`).toBeLessThan(-1);
    }
    const lock = JSON.parse(await readFile(join(dir, 'kieaudio.lock'), 'utf8'));
    expect(Object.values(lock.assets).every((e) => (e as { placeholder?: boolean }).placeholder === true)).toBe(true);
  });

  it('are the same bytes in every offline build of the same asset', async () => {
    const first = await offlineProject();
    const second = await offlineProject();
    for (const file of ['vo/short.mp3', 'sfx/coin.ogg', 'sfx/fire.wav', 'sfx/wind.mp3']) {
      expect((await readFile(second.out(file))).equals(await readFile(first.out(file))), file).toBe(true);
    }
  });

  it('go through post-processing chains, loudness and trimming included', async () => {
    const post = `post:
  voice: { loudness: -23, truePeak: -1, trim: { thresholdDb: -45, padMs: 20 }, format: wav }
  effect: { loudness: -20, truePeak: -1 }
`;
    const spec = `assets:
  - { id: line, kind: voice, text: "${LONG}", out: vo/line.wav }
  - { id: fire, kind: effect, text: "Forge fire", duration_seconds: 2, out: sfx/fire.mp3 }
`;
    const { out } = await offlineProject(spec, CONFIG + post);
    for (const [file, target] of [
      ['vo/line.wav', -23],
      ['sfx/fire.mp3', -20],
    ] as const) {
      const { lufs, truePeak } = await ebur128(out(file));
      expect(Math.abs(lufs - target), file).toBeLessThanOrEqual(0.5);
      expect(truePeak, file).toBeLessThanOrEqual(-1);
    }
    // trimming an audible placeholder leaves it whole
    expect(Math.abs((await probe(out('vo/line.wav'))).seconds - LONG.length / 15)).toBeLessThanOrEqual(0.06);
  });

  it('stay silent, with one warning, where ffmpeg is missing: the offline build still succeeds', async () => {
    vi.stubEnv('KIEAUDIO_FFMPEG', join(await makeProject({}), 'no-ffmpeg-here'));
    try {
      const { result, out } = await offlineProject();
      const warnings = result.events.filter((e) => e.type === 'warning');
      expect(warnings).toEqual([
        expect.objectContaining({ code: 'W_SILENT_PLACEHOLDERS', message: expect.stringContaining('KIEAUDIO_FFMPEG') }),
      ]);
      expect(result.summary).toMatchObject({ generated: 5, failed: 0, placeholders: true });
      vi.unstubAllEnvs();
      expect((await ebur128(out('vo/long.mp3'))).truePeak).toBe(Number.NEGATIVE_INFINITY);
    } finally {
      vi.unstubAllEnvs();
    }
  });
});
