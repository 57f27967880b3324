/**
 * `kieaudio check`: the quality gate over the files at `out`, whoever wrote them (hand-edited ones
 * too). Each selected asset's file, then each selected scene file (the game plays those too), is
 * measured by one ffmpeg run (ffmpeg/quality.ts), all through one bounded runner, then judged by
 * the pure rules of plan/check-rules.ts. It only reads: no writes, no API, no build lock (a build
 * replaces outputs by rename, so a file is read whole, old or new). A missing file is a problem,
 * not an error.
 */
import { setMaxListeners } from 'node:events';
import { stat } from 'node:fs/promises';
import { KieaudioError } from '../errors.js';
import { locateFfmpeg } from '../ffmpeg/locate.js';
import { measureQuality, type QualityMeasurement } from '../ffmpeg/quality.js';
import { createFfmpegRunner, type FfmpegRunner } from '../ffmpeg/run.js';
import {
  type CheckProblem,
  isSilent,
  judgeOutput,
  judgeSceneFile,
  medianRate,
  sceneLoudnessTarget,
  speechRate,
} from '../plan/check-rules.js';
import type { CheckSettings, Project, ResolvedAsset, ResolvedScene } from '../project.js';
import type { CommonOptions } from '../spec/prepare.js';
import { loadSelected } from '../spec/prepare.js';
import { selectAssets, selectScenes } from '../spec/select.js';
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

export interface CheckedScene {
  /** one scene file: a scene with `out` (one per language with `{lang}`) */
  scene: ResolvedScene;
  /** undefined when the file is missing or could not be decoded */
  measured?: QualityMeasurement;
  problems: CheckProblem[];
}

export interface CheckResult {
  project: Project;
  settings: CheckSettings;
  /** in declaration order */
  assets: CheckedAsset[];
  /** the scene files, in declaration order */
  scenes: CheckedScene[];
  /** files (assets' and scene files) with at least one problem */
  failed: number;
}

export async function check(options: CheckOptions = {}): Promise<CheckResult> {
  const { project, selected, scenes } = await loadChecked(options);
  const settings = project.config.check;
  const binary = await locateFfmpeg(options.signal === undefined ? {} : { signal: options.signal });
  const runner = createFfmpegRunner({
    path: binary.path,
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
  });
  // one abort listener per measurement waiting for a runner slot: as many as there are files, not a leak
  const signal = options.signal === undefined ? undefined : AbortSignal.any([options.signal]);
  if (signal !== undefined) setMaxListeners(0, signal);
  const measure = (out: string) => measureFile(runner, project, out, settings, signal);
  const [measured, sceneMeasured] = await Promise.all([
    Promise.all(selected.map((asset) => measure(asset.out))),
    Promise.all(scenes.map((scene) => measure(scene.out))),
  ]);
  const assets = judgeAssets(selected, measured, settings);
  const byOut = new Map(project.assets.map((a) => [a.out, a]));
  const checkedScenes = scenes.map((scene, i): CheckedScene => {
    const found = sceneMeasured[i] ?? { problems: [] };
    if (found.measured === undefined) return { scene, problems: found.problems };
    const target = sceneLoudnessTarget(scene.lines.map((line) => byOut.get(line.out)));
    return { scene, measured: found.measured, problems: judgeSceneFile(found.measured, target, settings) };
  });
  const failed = [...assets, ...checkedScenes].filter((f) => f.problems.length > 0).length;
  return { project, settings, assets, scenes: checkedScenes, failed };
}

/** The project, and the assets and scene files `--only` selects (a pattern may match scene files alone). */
async function loadChecked(options: CheckOptions): Promise<{ project: Project; selected: ResolvedAsset[]; scenes: ResolvedScene[] }> {
  const { project } = await loadSelected({ ...options, only: [] });
  const only = options.only ?? [];
  const selected = selectAssets(project.assets, only);
  const scenes = selectScenes(project.scenes ?? [], only, selected);
  if (only.length > 0 && selected.length === 0 && scenes.length === 0) {
    throw new KieaudioError('E_NO_MATCH', `--only ${only.join(', ')} matches no asset or scene file id or out path`);
  }
  return { project, selected, scenes };
}

function judgeAssets(selected: readonly ResolvedAsset[], measured: readonly Measured[], settings: CheckSettings): CheckedAsset[] {
  // the median speech rate of the voice lines that have sound
  const rates = measured.flatMap((m, i) => {
    const asset = selected[i];
    if (m.measured === undefined || asset === undefined || isSilent(m.measured, settings)) return [];
    const rate = speechRate(asset, m.measured);
    return rate === undefined ? [] : [rate];
  });
  const median = medianRate(rates);
  return selected.map((asset, i): CheckedAsset => {
    const found = measured[i] ?? { problems: [] };
    if (found.measured === undefined) return { asset, problems: found.problems };
    const context = { settings, ...(median === undefined ? {} : { medianRate: median }) };
    return { asset, measured: found.measured, problems: judgeOutput(found.measured, asset, context) };
  });
}

type Measured = { measured?: QualityMeasurement; problems: CheckProblem[] };

async function measureFile(
  runner: FfmpegRunner,
  project: Project,
  out: string,
  settings: CheckSettings,
  signal: AbortSignal | undefined,
): Promise<Measured> {
  const file = outputPath(project, out);
  const isFile = await stat(file).then(
    (s) => s.isFile(),
    () => false,
  );
  if (!isFile) return { problems: [{ kind: 'missing', message: 'missing: no file at out (kieaudio build makes it)' }] };
  try {
    const options = { silenceThresholdDb: settings.silenceThresholdDb, ...(signal === undefined ? {} : { signal }) };
    return { measured: await measureQuality(runner, file, options), problems: [] };
  } catch (error) {
    // a file ffmpeg cannot decode is this file's problem; a missing ffmpeg or Ctrl-C is everyone's
    if (!(error instanceof KieaudioError) || error.code !== 'E_FFMPEG_FAILED') throw error;
    const why = error.message.split('\n')[0] ?? '';
    return { problems: [{ kind: 'unreadable', message: `unreadable: ffmpeg could not decode it (${why})` }] };
  }
}
