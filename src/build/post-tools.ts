/**
 * The ffmpeg a build post-processes with: located once (when the first asset needs it, so a build
 * with nothing to process never looks), with one bounded runner for the whole build, apart from
 * the API's concurrency. Kept per project store, which every context of one build shares.
 */
import { locateFfmpeg } from '../ffmpeg/locate.js';
import { createFfmpegRunner, type FfmpegRunner } from '../ffmpeg/run.js';
import { ffmpegIdentity } from '../ffmpeg/version.js';
import type { ProjectStore } from '../store/project-store.js';

export interface PostTools {
  runner: FfmpegRunner;
  /** the ffmpeg build, as the lock records it (version.ts: ffmpegIdentity) */
  ffmpeg: string;
}

const byStore = new WeakMap<ProjectStore, Promise<PostTools>>();

export function postTools(ctx: { store: ProjectStore; signal: AbortSignal }): Promise<PostTools> {
  let tools = byStore.get(ctx.store);
  if (tools === undefined) {
    tools = locateFfmpeg({ signal: ctx.signal }).then((binary) => ({
      runner: createFfmpegRunner({ path: binary.path }),
      ffmpeg: ffmpegIdentity(binary.version),
    }));
    // a failed look-up is not kept: the error is each asset's, and the next one tries again
    tools.catch(() => byStore.delete(ctx.store));
    byStore.set(ctx.store, tools);
  }
  return tools;
}
