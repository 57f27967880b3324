/**
 * Pure: what `kieaudio check` finds wrong with one output, given what ffmpeg measured of it
 * (ffmpeg/quality.ts), the asset's spec and chain (or a scene file's lines), and the thresholds of
 * the config's `check:`. The rules are the contract's (Part 2, "Post-processing"); the measuring is commands/check.ts's.
 */
import type { QualityMeasurement } from '../ffmpeg/quality.js';
import type { CheckSettings, ResolvedAsset } from '../project.js';

export const CHECK_PROBLEM_KINDS = [
  'missing',
  'unreadable',
  'silent',
  'clipped',
  'leading-silence',
  'trailing-silence',
  'too-long',
  'loudness',
  'speech-rate',
] as const;

export type CheckProblemKind = (typeof CHECK_PROBLEM_KINDS)[number];

export interface CheckProblem {
  kind: CheckProblemKind;
  /** for people: what is wrong, measured against the limit */
  message: string;
  /** what was measured, in `unit`; null when there was nothing to measure */
  measured?: number | null;
  /** the limit it broke, in `unit` */
  limit?: number;
  unit?: 'LUFS' | 'dBTP' | 'dBFS' | 'ms' | 's' | 'LU' | 'chars/s';
}

/** An effect may be this much longer than its `duration_seconds` (trimming may make it shorter). */
export const DURATION_TOLERANCE = 0.1;
/** A speech rate this many times off the median (either way) is a truncated or runaway take. */
export const SPEECH_RATE_FACTOR = 3;
/** Fewer voice lines than this have no meaningful median. */
export const SPEECH_RATE_MIN_LINES = 3;
/** A sample peak this close to 0 dBFS is full scale. */
const FULL_SCALE_DB = -0.01;

const fmt = (n: number, digits = 1) => (Object.is(Math.round(n * 10 ** digits), -0) ? 0 : n).toFixed(digits);

/** Silent: no integrated loudness (or below the floor); for clips too short to gate, no peak above the silence threshold. */
export function isSilent(m: QualityMeasurement, settings: CheckSettings): boolean {
  if (m.integratedLufs !== null) return m.integratedLufs < settings.silentLufs;
  return m.truePeakDbtp === null || m.truePeakDbtp < settings.silenceThresholdDb;
}

/** Characters of written text per second of non-silent audio; undefined when it cannot be said. */
export function speechRate(asset: ResolvedAsset, m: QualityMeasurement): number | undefined {
  const text = asset.writtenText ?? (typeof asset.input.text === 'string' ? asset.input.text : undefined);
  const sounding = m.durationSeconds - m.silentSeconds;
  if (asset.kind !== 'voice' || text === undefined || sounding <= 0) return undefined;
  return [...text.trim()].length / sounding;
}

/** The median of the rates, or undefined with fewer than SPEECH_RATE_MIN_LINES of them. */
export function medianRate(rates: readonly number[]): number | undefined {
  if (rates.length < SPEECH_RATE_MIN_LINES) return undefined;
  const sorted = [...rates].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

export interface JudgeContext {
  settings: CheckSettings;
  /** the median speech rate of the voice lines checked (medianRate), when there is one */
  medianRate?: number;
}

/** Every rule the output breaks; empty when it passes. */
export function judgeOutput(m: QualityMeasurement, asset: ResolvedAsset, context: JudgeContext): CheckProblem[] {
  const { settings } = context;
  if (isSilent(m, settings)) return [silent(m, settings)];
  return [
    ...clipping(m, settings),
    ...edges(m, settings),
    ...tooLong(m, asset),
    ...offTarget(m, asset.post?.loudness, settings),
    ...rate(m, asset, context),
  ];
}

/**
 * The post loudness target every line of a scene file shares, undefined when a line has none or
 * they differ: a joined conversation is judged against its lines' one target or not at all.
 */
export function sceneLoudnessTarget(lines: readonly (ResolvedAsset | undefined)[]): number | undefined {
  const targets = new Set(lines.map((line) => line?.post?.loudness));
  const [target] = targets;
  return targets.size === 1 ? target : undefined;
}

/**
 * Every rule a scene file breaks: those that make sense for a joined conversation. Edge silence is
 * the file's ends only (silencedetect's leading and trailing runs: the gaps between lines are
 * meant); no `too-long` (a scene has no asked duration) and no `speech-rate` (its text is its lines').
 */
export function judgeSceneFile(m: QualityMeasurement, loudnessTarget: number | undefined, settings: CheckSettings): CheckProblem[] {
  if (isSilent(m, settings)) return [silent(m, settings)];
  return [...clipping(m, settings), ...edges(m, settings), ...offTarget(m, loudnessTarget, settings)];
}

function silent(m: QualityMeasurement, settings: CheckSettings): CheckProblem {
  const measured = m.integratedLufs;
  const what = measured === null ? 'no integrated loudness' : `${fmt(measured)} LUFS`;
  return {
    kind: 'silent',
    message: `silent: ${what} (floor ${settings.silentLufs} LUFS)`,
    measured,
    limit: settings.silentLufs,
    unit: 'LUFS',
  };
}

function clipping(m: QualityMeasurement, settings: CheckSettings): CheckProblem[] {
  const tp = m.truePeakDbtp;
  if (tp !== null && tp > settings.clipDb) {
    return [
      {
        kind: 'clipped',
        message: `clipped: true peak ${fmt(tp, 2)} dBTP > ${settings.clipDb} dBTP`,
        measured: tp,
        limit: settings.clipDb,
        unit: 'dBTP',
      },
    ];
  }
  const peak = m.samplePeak;
  if (peak !== undefined && peak.peakDb >= FULL_SCALE_DB && peak.flatFactor > 0) {
    const message = `clipped: runs of full-scale samples (${peak.peakCount} at ${fmt(peak.peakDb, 2)} dBFS)`;
    return [{ kind: 'clipped', message, measured: peak.peakDb, limit: FULL_SCALE_DB, unit: 'dBFS' }];
  }
  return [];
}

function edges(m: QualityMeasurement, settings: CheckSettings): CheckProblem[] {
  const problems: CheckProblem[] = [];
  const limit = settings.maxSilenceMs;
  for (const [kind, seconds] of [
    ['leading-silence', m.leadingSilenceSeconds],
    ['trailing-silence', m.trailingSilenceSeconds],
  ] as const) {
    const ms = Math.round(seconds * 1000);
    if (ms <= limit) continue;
    const where = kind === 'leading-silence' ? 'leading' : 'trailing';
    problems.push({ kind, message: `${where} silence: ${ms} ms > ${limit} ms`, measured: ms, limit, unit: 'ms' });
  }
  return problems;
}

function tooLong(m: QualityMeasurement, asset: ResolvedAsset): CheckProblem[] {
  const asked = asset.input.duration_seconds;
  if (asset.kind !== 'effect' || typeof asked !== 'number') return [];
  const limit = asked * (1 + DURATION_TOLERANCE);
  if (m.durationSeconds <= limit) return [];
  const message = `too long: ${fmt(m.durationSeconds, 2)} s > ${fmt(limit, 2)} s (duration_seconds ${asked} + ${DURATION_TOLERANCE * 100} %)`;
  return [{ kind: 'too-long', message, measured: m.durationSeconds, limit, unit: 's' }];
}

function offTarget(m: QualityMeasurement, target: number | undefined, settings: CheckSettings): CheckProblem[] {
  // too short to gate: its loudness cannot be measured (and was not normalized)
  if (target === undefined || m.integratedLufs === null) return [];
  const off = m.integratedLufs - target;
  if (Math.abs(off) <= settings.loudnessToleranceLu) return [];
  const message = `loudness: ${fmt(m.integratedLufs)} LUFS is ${fmt(Math.abs(off))} LU off the target ${target} LUFS (tolerance ${settings.loudnessToleranceLu} LU)`;
  return [{ kind: 'loudness', message, measured: m.integratedLufs, limit: target, unit: 'LUFS' }];
}

function rate(m: QualityMeasurement, asset: ResolvedAsset, context: JudgeContext): CheckProblem[] {
  const median = context.medianRate;
  const own = speechRate(asset, m);
  if (median === undefined || own === undefined) return [];
  const low = median / SPEECH_RATE_FACTOR;
  const high = median * SPEECH_RATE_FACTOR;
  if (own >= low && own <= high) return [];
  const how = own < low ? `below a third of the median ${fmt(median)}` : `above three times the median ${fmt(median)}`;
  const message = `speech rate: ${fmt(own)} chars/s is ${how} (a truncated or runaway take?)`;
  return [{ kind: 'speech-rate', message, measured: own, limit: own < low ? low : high, unit: 'chars/s' }];
}
