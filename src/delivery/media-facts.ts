/**
 * What is known of an audio file from decoding it once: its length and its waveform's peaks. Kept
 * in the cache by the file's SHA-256 (`<cacheDir>/media/<aa>/<sha256>.json`), so that a manifest or
 * a review page made again costs no decoding; a broken entry is measured again, never trusted.
 * ffmpeg is found and started only when something must be measured.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { durationOf, peaksOf } from '../audio/peaks.js';
import { locateFfmpeg } from '../ffmpeg/locate.js';
import { decodePcm } from '../ffmpeg/pcm.js';
import { createFfmpegRunner, type FfmpegRunner } from '../ffmpeg/run.js';
import { writeFileAtomic } from '../store/atomic-write.js';
import { hashFile } from '../store/sha256.js';

const MediaFactsSchema = z.strictObject({
  v: z.literal(1),
  durationSeconds: z.number().nonnegative(),
  peaks: z.array(z.number().min(0).max(1)),
});

export type MediaFacts = Omit<z.infer<typeof MediaFactsSchema>, 'v'>;

export interface MediaFactsStore {
  /** What the cache knows of the audio with this SHA-256, without decoding anything. */
  cached(sha256: string): Promise<MediaFacts | undefined>;
  /** The facts of `file`, whose SHA-256 the lock says is `sha256`: from the cache, else decoded (and kept). */
  measure(sha256: string, file: string, signal?: AbortSignal): Promise<MediaFacts>;
}

export function createMediaFacts(cacheDir: string): MediaFactsStore {
  let runner: Promise<FfmpegRunner> | undefined;
  const pathOf = (sha256: string) => join(cacheDir, 'media', sha256.slice(0, 2), `${sha256}.json`);
  const cached = async (sha256: string) => readFacts(pathOf(sha256));
  return {
    cached,
    async measure(sha256, file, signal) {
      const known = await cached(sha256);
      if (known) return known;
      runner ??= locateFfmpeg(signal ? { signal } : {}).then((binary) => createFfmpegRunner({ path: binary.path }));
      const pcm = await decodePcm(await runner, file, signal ? { signal } : {});
      const facts = { durationSeconds: durationOf(pcm.samples.length, pcm.rate), peaks: peaksOf(pcm.samples) };
      // kept under what the file holds: a file edited by hand is not what the lock names
      const actual = (await hashFile(file, signal)).sha256;
      await mkdir(dirname(pathOf(actual)), { recursive: true });
      await writeFileAtomic(pathOf(actual), `${JSON.stringify({ v: 1, ...facts })}\n`, { durable: false });
      return facts;
    },
  };
}

async function readFacts(path: string): Promise<MediaFacts | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const { v: _, ...facts } = MediaFactsSchema.parse(JSON.parse(text));
    return facts;
  } catch {
    return undefined;
  }
}
