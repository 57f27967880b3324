/**
 * Cross-checks the generators against a real decoder: the ffprobe binary that the
 * @ffprobe-installer/ffprobe dev dependency ships inside its npm package, so `npm ci` is all the
 * set-up these tests need. A missing binary fails them rather than skipping them.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ffprobeInstaller from '@ffprobe-installer/ffprobe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeOutputFormat, EFFECT_OUTPUT_FORMATS } from '../../src/audio/format.js';
import { generateAudio } from '../../src/audio/generate.js';
import { frameSeconds } from './formats.js';

const run = promisify(execFile);

async function ffprobe(args: string[]): Promise<{ stdout: string; stderr: string }> {
  try {
    return await run(ffprobeInstaller.path, args);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`ffprobe is missing at ${ffprobeInstaller.path}: run npm ci`);
    }
    throw error;
  }
}

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kieaudio-ffprobe-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('ffprobe', () => {
  it('is installed', async () => {
    const { stdout } = await ffprobe(['-version']);
    expect(stdout).toMatch(/ffprobe version/);
  });

  it.each(EFFECT_OUTPUT_FORMATS)('decodes generated %s without error', async (name) => {
    const format = describeOutputFormat(name);
    const seconds = 1.7;
    const file = join(dir, `${name}.${format.container}`);
    // raw formats are checked as the client will write them: wrapped in a WAV header
    await writeFile(file, generateAudio(format, seconds, `take-${name}`, { wavHeader: true }));
    const { stdout, stderr } = await ffprobe([
      '-v',
      'error',
      '-count_frames', // decodes every frame, so decoder errors surface on stderr
      '-show_entries',
      'format=duration,format_name:stream=codec_name,sample_rate,nb_read_frames',
      '-of',
      'json',
      file,
    ]);
    expect(stderr).toBe('');
    const probe = JSON.parse(stdout) as {
      format: { duration: string; format_name: string };
      streams: { codec_name: string; sample_rate: string; nb_read_frames: string }[];
    };
    const stream = probe.streams[0];
    const codec = { mp3: 'mp3', pcm_s16le: 'pcm_s16le', mulaw: 'pcm_mulaw', alaw: 'pcm_alaw', opus: 'opus' }[format.encoding];
    expect(stream?.codec_name).toBe(codec);
    expect(Number(stream?.sample_rate)).toBe(format.sampleRate);
    expect(Number(stream?.nb_read_frames)).toBeGreaterThan(0);
    // ffprobe counts the Opus pre-skip (6.5 ms) into the container duration
    expect(Math.abs(Number(probe.format.duration) - seconds)).toBeLessThanOrEqual(frameSeconds(format) + 0.01);
  });
});
