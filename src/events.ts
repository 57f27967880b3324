/**
 * What a build reports as it goes. The CLI renders these for people (terminal) or machines
 * (`--json`, one event per line); library users get them through `onEvent`.
 */
import type { Action } from './plan.js';

export type ActionType = Action['type'];

interface AssetRef {
  /** the asset's id */
  asset: string;
  /** its output path, relative to outDir */
  out: string;
}

export type BuildEvent =
  | ({ type: 'planned'; action: ActionType; reason: string } & AssetRef)
  | ({ type: 'submitted'; taskId: string; model: string } & AssetRef)
  | ({ type: 'state'; taskId: string; state: string } & AssetRef)
  | ({ type: 'generated'; taskId: string; bytes: number; credits?: number | undefined; placeholder: boolean } & AssetRef)
  | ({ type: 'restored'; from: string; bytes: number } & AssetRef)
  | ({ type: 'adopted' } & AssetRef)
  | ({ type: 'kept'; reason: string } & AssetRef)
  | ({
      type: 'failed';
      code: string;
      message: string;
      taskId?: string | undefined;
      /** the task may exist and be billed although no answer said so */
      maybeCharged?: boolean | undefined;
    } & AssetRef)
  /** a request that will be tried again after `delayMs` (a 429, a network error, a 5xx…) */
  | ({
      type: 'retry';
      operation: 'create' | 'poll' | 'download';
      code: string;
      message: string;
      attempt: number;
      delayMs: number;
    } & Partial<AssetRef>)
  /** the build stopped early (Ctrl-C, no credits, bad key); these tasks stay in the journal */
  | { type: 'interrupted'; reason: string; inFlight: Array<AssetRef & { taskId: string }> }
  /** another kieaudio process holds the project's build lock */
  | { type: 'waiting-for-lock'; pid: number; host: string; since: string }
  | { type: 'warning'; code: string; message: string; file?: string; line?: number; col?: number; asset?: string }
  | ({ type: 'summary' } & BuildSummary);

export interface BuildSummary {
  generated: number;
  restored: number;
  upToDate: number;
  failed: number;
  /** hand-edited or foreign files left alone */
  kept: number;
  /** assets not started because the build stopped early (no credits, interrupted, auth) */
  notStarted: number;
  /** lock entries whose asset is no longer declared */
  orphans: number;
  creditsUsed: number;
  /** create requests whose fate is unknown: each may be a charge with no result */
  possibleDuplicateCharges: number;
  placeholders: boolean;
  durationMs: number;
}
