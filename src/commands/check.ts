/**
 * `kieaudio check`: the quality gate over the files at `out`, whoever wrote them (hand-edited ones
 * too). Each selected asset's file is measured by one ffmpeg run (ffmpeg/quality.ts), all through
 * one bounded runner, then judged by the pure rules of plan/check-rules.ts. It only reads: no
 * writes, no API, no build lock (a build replaces outputs by rename, so a file is read whole,
 * old or new). A missing file is a problem, not an error.
 */
import { setMaxListeners } from 'node:events';
import { stat } from 'node:fs/promises';
import { KieaudioError } from '../errors.js';
import { locateFfmpeg } from '../ffmpeg/locate.js';
import { measureQuality, type QualityMeasurement } from '../ffmpeg/quality.js';
import { createFfmpegRunner, type FfmpegRunner } from '../ffmpeg/run.js';
import { type CheckProblem, isSilent, judgeOutput, medianRate, speechRate } from '../plan/check-rules.js';
import type { CheckSettings, Project, ResolvedAsset } from '../project.js';
import type { CommonOptions } from '../spec/prepare.js';
import { loadSelected } from '../spec/prepare.js';
import { outputPath } from '../store/project-store.js';

export type { CheckProblem, CheckProblemKind } from '../plan/check-rules.js';

export interface CheckOptions extends Omit<CommonOptions, 'offline'> {
  signal?: AbortSignal;
  /** most ffmpeg runs at once (default: the number of cores) */
  concurrency?: number;
}

export interface CheckedAsset {
  asset: ResolvedAsset;
  /** undefined when the file is missing or could not be decoded */
  measured?: QualityMeasurement;
  problems: CheckProblem[];
}

export interface CheckResult {
  project: Project;
  settings: CheckSettings;
  /** in declaration order */
  assets: CheckedAsset[];
  /** assets with at least one problem */
  failed: number;
}

export async function check(options: CheckOptions = {}): Promise<CheckResult> {
  const { project, selected } = await loadSelected(options);
  const settings = project.config.check;
  const binary = await locateFfmpeg(options.signal === undefined ? {} : { signal: options.signal });
  const runner = createFfmpegRunner({
    path: binary.path,
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
  });
  // one abort listener per measurement waiting for a runner slot: as many as there are files, not a leak
  const signal = options.signal === undefined ? undefined : AbortSignal.any([options.signal]);
  if (signal !== undefined) setMaxListeners(0, signal);
  const measured = await Promise.all(selected.map((asset) => measureAsset(runner, project, asset, settings, signal)));
  // the median speech rate of the voice lines that have sound
  const rates = measured.flatMap((m, i) => {
    const asset = selected[i];
    if (m.measured === undefined || asset === undefined || isSilent(m.measured, settings)) return [];
    const rate = speechRate(asset, m.measured);
    return rate === undefined ? [] : [rate];
  });
  const median = medianRate(rates);
  const assets = selected.map((asset, i): CheckedAsset => {
    const found = measured[i] ?? { problems: [] };
    if (found.measured === undefined) return { asset, problems: found.problems };
    const context = { settings, ...(median === undefined ? {} : { medianRate: median }) };
    return { asset, measured: found.measured, problems: judgeOutput(found.measured, asset, context) };
  });
  return { project, settings, assets, failed: assets.filter((a) => a.problems.length > 0).length };
}

type Measured = { measured?: QualityMeasurement; problems: CheckProblem[] };

async function measureAsset(
  runner: FfmpegRunner,
  project: Project,
  asset: ResolvedAsset,
  settings: CheckSettings,
  signal: AbortSignal | undefined,
): Promise<Measured> {
  const file = outputPath(project, asset.out);
  const isFile = await stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
  if (!isFile) return { problems: [{ kind: 'missing', message: 'missing: no file at out (kieaudio build makes it)' }] };
  try {
    const options = { silenceThresholdDb: settings.silenceThresholdDb, ...(signal === undefined ? {} : { signal }) };
    return { measured: await measureQuality(runner, file, options), problems: [] };
  } catch (error) {
    // a file ffmpeg cannot decode is this asset's problem; a missing ffmpeg or Ctrl-C is everyone's
    if (!(error instanceof KieaudioError) || error.code !== 'E_FFMPEG_FAILED') throw error;
    const why = error.message.split('\n')[0] ?? '';
    return { problems: [{ kind: 'unreadable', message: `unreadable: ffmpeg could not decode it (${why})` }] };
  }
}
