/**
 * The pure rules of `kieaudio check` on plain values: each rule at its limit and past it, the
 * short-clip cases ebur128 cannot gate, the speech-rate median, and the rules of a scene file.
 */
import { describe, expect, it } from 'vitest';
import type { QualityMeasurement } from '../../src/ffmpeg/quality.js';
import { isSilent, judgeOutput, judgeSceneFile, medianRate, sceneLoudnessTarget, speechRate } from '../../src/plan/check-rules.js';
import { DEFAULT_CHECK, type ResolvedAsset } from '../../src/project.js';

const settings = { ...DEFAULT_CHECK };

const GOOD: QualityMeasurement = {
  integratedLufs: -23,
  truePeakDbtp: -3,
  durationSeconds: 2,
  leadingSilenceSeconds: 0.02,
  trailingSilenceSeconds: 0.3,
  silentSeconds: 0.32,
  samplePeak: { peakDb: -3.2, flatFactor: 0, peakCount: 2 },
};

function asset(kind: 'voice' | 'effect', extra: Partial<ResolvedAsset> = {}, input: Record<string, unknown> = {}): ResolvedAsset {
  return {
    id: 'a',
    kind,
    out: 'a.wav',
    model: 'm',
    input: { text: 'Hello there, traveller.', ...input },
    format: { name: 'pcm_48000', container: 'wav', encoding: 'pcm_s16le', sampleRate: 48000, extensions: ['.wav'] },
    source: { file: 'a.yaml', line: 1, col: 1, index: 0 },
    ...extra,
  };
}

const kinds = (m: Partial<QualityMeasurement>, a = asset('effect'), medianRate?: number) =>
  judgeOutput({ ...GOOD, ...m }, a, { settings, ...(medianRate === undefined ? {} : { medianRate }) }).map((p) => p.kind);

describe('judgeOutput', () => {
  it('passes a good file', () => {
    expect(kinds({})).toEqual([]);
  });

  it('silent: no integrated loudness, or below the floor; then nothing else is judged', () => {
    expect(kinds({ integratedLufs: null, truePeakDbtp: null, leadingSilenceSeconds: 2 })).toEqual(['silent']);
    expect(kinds({ integratedLufs: -65 }, asset('effect'), undefined)).toEqual([]);
    expect(judgeOutput({ ...GOOD, integratedLufs: -65 }, asset('effect'), { settings: { ...settings, silentLufs: -60 } })).toEqual([
      { kind: 'silent', message: 'silent: -65.0 LUFS (floor -60 LUFS)', measured: -65, limit: -60, unit: 'LUFS' },
    ]);
  });

  it('a clip too short to gate is silent only when its peak is below the silence threshold', () => {
    expect(isSilent({ ...GOOD, integratedLufs: null, truePeakDbtp: -12 }, settings)).toBe(false);
    expect(isSilent({ ...GOOD, integratedLufs: null, truePeakDbtp: -60 }, settings)).toBe(true);
    expect(kinds({ integratedLufs: null, truePeakDbtp: -12 }, asset('effect', { post: { format: 'wav', loudness: -20 } }))).toEqual([]);
  });

  it('clipped: a true peak above clipDb, or runs of full-scale samples', () => {
    expect(kinds({ truePeakDbtp: -0.1 })).toEqual([]);
    expect(kinds({ truePeakDbtp: -0.05 })).toEqual(['clipped']);
    expect(kinds({ truePeakDbtp: -0.2, samplePeak: { peakDb: 0, flatFactor: 12, peakCount: 900 } })).toEqual(['clipped']);
    expect(kinds({ truePeakDbtp: -0.2, samplePeak: { peakDb: 0, flatFactor: 0, peakCount: 1 } })).toEqual([]);
  });

  it('edge silence over maxSilenceMs, each end on its own', () => {
    expect(kinds({ leadingSilenceSeconds: 0.5, trailingSilenceSeconds: 0.5 })).toEqual([]);
    expect(kinds({ leadingSilenceSeconds: 0.51, trailingSilenceSeconds: 0.9 })).toEqual(['leading-silence', 'trailing-silence']);
  });

  it('an effect more than 10 % longer than duration_seconds; shorter is fine; voice has no such limit', () => {
    const effect = (d: number) => asset('effect', {}, { duration_seconds: d });
    expect(kinds({ durationSeconds: 2.2 }, effect(2))).toEqual([]);
    expect(kinds({ durationSeconds: 2.21 }, effect(2))).toEqual(['too-long']);
    expect(kinds({ durationSeconds: 0.5 }, effect(2))).toEqual([]);
    expect(kinds({ durationSeconds: 9 }, asset('voice', {}, { duration_seconds: 2 }))).toEqual([]);
  });

  it('loudness more than 1 LU off the chain target, only with a target', () => {
    const target = asset('effect', { post: { format: 'wav', loudness: -24 } });
    expect(kinds({ integratedLufs: -23 }, target)).toEqual([]);
    expect(kinds({ integratedLufs: -22.8 }, target)).toEqual(['loudness']);
    expect(kinds({ integratedLufs: -12 })).toEqual([]);
  });

  it('speech rate below a third or above three times the median', () => {
    const voice = asset('voice', { writtenText: 'x'.repeat(30) });
    // 30 chars over 2 − 0.32 s of sound: 17.9 chars/s
    expect(kinds({}, voice, 10)).toEqual([]);
    expect(kinds({}, voice, 5)).toEqual(['speech-rate']);
    expect(kinds({}, voice, 60)).toEqual(['speech-rate']);
    expect(kinds({}, asset('effect'), 60)).toEqual([]);
  });
});

describe('speechRate and medianRate', () => {
  it('counts written characters per second of non-silent audio', () => {
    expect(speechRate(asset('voice', { writtenText: ' héllo ' }), { ...GOOD, durationSeconds: 1.5, silentSeconds: 0.5 })).toBe(5);
    expect(speechRate(asset('voice'), { ...GOOD, durationSeconds: 1, silentSeconds: 1 })).toBeUndefined();
    expect(speechRate(asset('effect'), GOOD)).toBeUndefined();
  });

  it('needs at least three lines', () => {
    expect(medianRate([10, 12])).toBeUndefined();
    expect(medianRate([12, 10, 30])).toBe(12);
    expect(medianRate([12, 10, 30, 14])).toBe(13);
  });
});

describe('judgeSceneFile', () => {
  const sceneKinds = (m: Partial<QualityMeasurement>, target?: number) =>
    judgeSceneFile({ ...GOOD, ...m }, target, settings).map((p) => p.kind);

  it('silent, clipped and edge silence as for an asset; a long file is not too long, its gaps are not judged', () => {
    expect(sceneKinds({ durationSeconds: 60, silentSeconds: 20 })).toEqual([]);
    expect(sceneKinds({ integratedLufs: null, truePeakDbtp: null, leadingSilenceSeconds: 2 })).toEqual(['silent']);
    expect(sceneKinds({ truePeakDbtp: 0.5, leadingSilenceSeconds: 0.6, trailingSilenceSeconds: 0.7 })).toEqual([
      'clipped',
      'leading-silence',
      'trailing-silence',
    ]);
  });

  it('loudness only against a target', () => {
    expect(sceneKinds({ integratedLufs: -30 })).toEqual([]);
    expect(sceneKinds({ integratedLufs: -30 }, -23)).toEqual(['loudness']);
    expect(sceneKinds({ integratedLufs: -23.5 }, -23)).toEqual([]);
  });

  it("the lines' target: the one they all share, else none", () => {
    const line = (loudness?: number) => asset('voice', loudness === undefined ? {} : { post: { format: 'wav', loudness } });
    expect(sceneLoudnessTarget([line(-20), line(-20), line(-20)])).toBe(-20);
    expect(sceneLoudnessTarget([line(-20), line(-16)])).toBeUndefined();
    expect(sceneLoudnessTarget([line(-20), line()])).toBeUndefined();
    expect(sceneLoudnessTarget([line(-20), undefined])).toBeUndefined();
  });
});
