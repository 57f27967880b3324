/**
 * An --offline result made audible: the simulator's silent placeholder (the structure and length a
 * real result would have) replaced, in place, by a test signal ffmpeg writes in the same format
 * (ffmpeg/test-signal.ts), so that post-processing and `kieaudio check` can be tried without a key.
 * It is as long as the simulator's result (audio/placeholder-length.ts), so the timing data the
 * simulator serves still fits it.
 *
 * ffmpeg is a help here, not a need: where it is missing or fails, the silent placeholder stays,
 * with one warning per build, and the --offline build goes on.
 */
import { rename, rm } from 'node:fs/promises';
import { placeholderEffectSeconds, placeholderSpeechSeconds } from '../audio/placeholder-length.js';
import { messageOf } from '../errors.js';
import { placeholderPitch, type TestSignal, testSignalArgs } from '../ffmpeg/test-signal.js';
import type { PlannedAsset } from '../plan/decide.js';
import { releaseTemp, tempPathFor } from '../store/atomic-write.js';
import type { ProjectStore } from '../store/project-store.js';
import { hashFile } from '../store/sha256.js';
import type { BuildContext } from './context.js';
import { postTools } from './post-tools.js';

export interface AudiblePlaceholder {
  bytes: number;
  sha256: string;
}

/** Builds (by their store) that have already warned of silent placeholders. */
const warned = new WeakSet<ProjectStore>();

/**
 * Replaces the placeholder at `path` (a file of this build's own, not yet at `out` unless it is
 * `out` itself, which is then written atomically) by a test signal; undefined when it stays silent.
 */
export async function makePlaceholderAudible(ctx: BuildContext, item: PlannedAsset, path: string): Promise<AudiblePlaceholder | undefined> {
  const temp = tempPathFor(path);
  try {
    const { runner } = await postTools(ctx);
    await runner.run(testSignalArgs(testSignalOf(item), temp), { signal: ctx.signal });
    const { sha256, size } = await hashFile(temp, ctx.signal);
    await rename(temp, path);
    return { bytes: size, sha256 };
  } catch (error) {
    await rm(temp, { force: true });
    if (ctx.signal.aborted) throw error;
    warnSilent(ctx, error);
    return undefined;
  } finally {
    releaseTemp(temp);
  }
}

/** The signal for an asset: as long as the simulator's result for the same request. */
export function testSignalOf(item: PlannedAsset): TestSignal {
  const { asset } = item;
  const { input } = asset;
  if (asset.kind === 'voice') {
    const text = typeof input.text === 'string' ? input.text : '';
    const voice = typeof input.voice === 'string' ? input.voice : undefined;
    const pitch = voice === undefined ? {} : { pitchHz: placeholderPitch(voice) };
    return { kind: 'speech', durationSeconds: placeholderSpeechSeconds(text), format: asset.format, ...pitch };
  }
  return { kind: 'effect', durationSeconds: placeholderEffectSeconds(input.duration_seconds), format: asset.format };
}

function warnSilent(ctx: BuildContext, error: unknown): void {
  if (warned.has(ctx.store)) return;
  warned.add(ctx.store);
  const why = messageOf(error).split('\n')[0] ?? '';
  ctx.emit({
    type: 'warning',
    code: 'W_SILENT_PLACEHOLDERS',
    message: `placeholders stay silent (they are made audible with ffmpeg, which failed: ${why})`,
  });
}
