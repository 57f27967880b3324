/**
 * Test audio made by the real ffmpeg from lavfi sources, so its loudness and silences are known
 * by construction: a lavfi `sine` has amplitude 1/8 (−18.06 dBFS peak), which BS.1770 measures as
 * −21.07 LUFS in one channel (a full-scale 1 kHz sine reads −3.01 LUFS).
 */
import { readFile } from 'node:fs/promises';
import ffmpegInstaller from '@ffmpeg-installer/ffmpeg';
import { fileArg } from '../../src/ffmpeg/input.js';
import { createFfmpegRunner } from '../../src/ffmpeg/run.js';

export const runner = createFfmpegRunner({ path: ffmpegInstaller.path });

/** −18.06 dBFS peak: 20·log10(1/8) */
export const SINE_PEAK_DB = 20 * Math.log10(1 / 8);
/** a mono 1 kHz sine at SINE_PEAK_DB measures this */
export const SINE_LUFS = SINE_PEAK_DB - 3.01;

/** Renders a lavfi source graph to `path` (its extension picks the format), `extra` before the output. */
export async function makeAudio(path: string, source: string, extra: readonly string[] = []): Promise<string> {
  await runner.run(['-hide_banner', '-nostdin', '-f', 'lavfi', '-i', source, ...extra, '-y', fileArg(path)]);
  return path;
}

/** A mono 48 kHz signal: `silent` seconds of digital silence, `tone` of a 1 kHz sine at `gainDb`, then `after` of silence. */
export function toneBetweenSilences(silent: number, tone: number, after: number, gainDb = 0): string {
  const amplitude = (1 / 8) * 10 ** (gainDb / 20);
  const end = silent + tone;
  const expr = `if(between(t\\,${silent}\\,${end})\\,${amplitude}*sin(2*PI*1000*t)\\,0)`;
  return `aevalsrc=exprs=${expr}:s=48000:d=${end + after}`;
}

/**
 * An audible API result for the simulator to serve (its `resultAudio`): `lead` seconds of silence,
 * a tone of `tone` seconds at −6 dB, then `after` of silence, as a 44.1 kHz MP3 written to `path`.
 */
export async function audibleMp3(path: string, lead: number, tone: number, after: number): Promise<Buffer> {
  await makeAudio(path, toneBetweenSilences(lead, tone, after, -6), ['-ar', '44100', '-c:a', 'libmp3lame', '-b:a', '128k']);
  return readFile(path);
}

/**
 * Integrated loudness (LUFS) and true peak (dBTP) of a file, read straight from ffmpeg's ebur128
 * summary: a measurement independent of kieaudio's own (src/ffmpeg/loudness.ts).
 */
export async function ebur128(path: string): Promise<{ lufs: number; truePeak: number }> {
  const { stderr } = await runner.run(['-hide_banner', '-nostdin', '-i', fileArg(path), '-af', 'ebur128=peak=true', '-f', 'null', '-']);
  const summary = stderr.slice(stderr.lastIndexOf('Summary:'));
  const lufs = /I:\s+(-?[\d.]+) LUFS/.exec(summary)?.[1];
  const peak = /True peak:\s+Peak:\s+(-?[\d.]+|-inf) dBFS/.exec(summary)?.[1];
  if (lufs === undefined || peak === undefined) throw new Error(`no ebur128 summary for ${path}:\n${summary}`);
  return { lufs: Number(lufs), truePeak: peak === '-inf' ? Number.NEGATIVE_INFINITY : Number(peak) };
}
