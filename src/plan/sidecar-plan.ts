/**
 * What a build does with an asset's sidecars — the `.timings.json`, `.srt` and `.vtt` files
 * derived from its audio (timings/sidecar-paths.ts) — and why. Pure. Sidecars are kieaudio's
 * like outputs are: one that is missing or newly asked for is written (from timing data kept
 * locally: never a generation), one that holds something else than the lock records was edited
 * by hand and is left alone unless --force, and one no longer asked for is removed if it still
 * holds what kieaudio wrote.
 */
import type { ResolvedAsset } from '../project.js';
import type { LockEntry } from '../store/lock-file.js';
import type { OutputState } from '../store/stat-index.js';
import { type Sidecar, sidecarsOf } from '../timings/sidecar-paths.js';
import type { Action, StaleCause } from './decide.js';

export interface SidecarPlan {
  /** to write now */
  write: Sidecar[];
  /** edited by hand, or a folder: left alone, with why */
  keep: Array<Sidecar & { why: string }>;
  /**
   * there, but the lock has no record of it: kieaudio's own file from a build killed before its
   * lock write, or someone else's. The build works out what it would write: the same bytes are
   * recorded as kieaudio's; anything else is left alone, and what kieaudio would have written is
   * recorded, so that from then on the file reads as edited by hand.
   */
  claim: Array<Sidecar & { contentHash: string }>;
  /** in the lock but no longer asked for; `intact` ones are deleted, the others only forgotten */
  drop: Array<{ out: string; intact: boolean }>;
  /** what the lock recorded of them when the plan was made (kept for those left as they are) */
  recorded: Readonly<Record<string, string>>;
  /** of `recorded`, the files that are there: what an entry for new audio carries until they are written anew */
  present: Readonly<Record<string, string>>;
}

export interface SidecarFacts {
  asset: ResolvedAsset;
  /** the state of every expected or recorded sidecar, by path relative to outDir */
  states: ReadonlyMap<string, OutputState>;
  entry: LockEntry | undefined;
}

/** Every sidecar path a build must look at for the asset: those it asks for and those the lock records. */
export function sidecarPathsToCheck(asset: ResolvedAsset, entry: LockEntry | undefined): string[] {
  // the common case, on every asset of every build: nothing to look at
  if (asset.input.timestamps !== true && asset.subtitles === undefined && entry?.sidecars === undefined) return [];
  const paths = new Set(sidecarsOf(asset).map((s) => s.out));
  for (const out of Object.keys(entry?.sidecars ?? {})) paths.add(out);
  return [...paths];
}

/**
 * `audioReplaced`: the audio is installed anew (restored, generated, adopted), so every sidecar
 * that is kieaudio's is written again; otherwise only the missing and newly asked-for ones are.
 * `stale`: the lock records the sidecars of earlier audio (a build stopped while writing them
 * anew), so one that differs from the record may be what that build wrote for the new audio:
 * claimed like an unrecorded one (kieaudio's if it is what would be written), not taken for a hand edit.
 */
export function planSidecars(f: SidecarFacts, audioReplaced: boolean, force: boolean, stale = false): SidecarPlan {
  const locked = f.entry?.sidecars ?? {};
  const present = Object.fromEntries(Object.entries(locked).filter(([out]) => f.states.get(out)?.exists === true));
  const plan: SidecarPlan = { write: [], keep: [], drop: [], claim: [], recorded: { ...locked }, present };
  const expected = sidecarsOf(f.asset);
  for (const sidecar of expected) {
    const state = f.states.get(sidecar.out) ?? { exists: false };
    const recorded = Object.hasOwn(locked, sidecar.out) ? locked[sidecar.out] : undefined;
    if (!state.exists) {
      plan.write.push(sidecar);
    } else if (state.contentHash !== undefined && state.contentHash === recorded) {
      if (audioReplaced) plan.write.push(sidecar);
    } else if (force && state.contentHash !== undefined) {
      plan.write.push(sidecar);
    } else if (state.contentHash !== undefined && (recorded === undefined || stale)) {
      plan.claim.push({ ...sidecar, contentHash: state.contentHash });
    } else {
      const why =
        state.contentHash === undefined
          ? 'a folder (or another non-file) is there; kieaudio never replaces one'
          : 'edited by hand; left alone (use --force to replace it)';
      plan.keep.push({ ...sidecar, why });
    }
  }
  const asked = new Set(expected.map((s) => s.out));
  for (const [out, hash] of Object.entries(locked)) {
    if (asked.has(out)) continue;
    const state = f.states.get(out);
    plan.drop.push({ out, intact: state?.exists === true && state.contentHash === hash });
  }
  return plan;
}

/**
 * For an asset whose audio is up to date: `sidecars` when one must be written or removed,
 * `keep-modified` when the only news is a hand-edited one, undefined when all are as the lock says.
 * A line whose text as written changed while what is sent did not (a respelling moved into the
 * lexicon) has every sidecar of kieaudio's written again: they show the written text.
 */
export function planUpToDateSidecars(
  f: SidecarFacts,
  force: boolean,
): { action: Action; reason: string; cause?: StaleCause; sidecars?: SidecarPlan } | undefined {
  // written for earlier audio by a build stopped before it wrote them anew: kieaudio's, written again
  const stale = f.entry?.sidecarsStale === true;
  const rewritten = f.entry !== undefined && writtenText(f.asset) !== (f.entry.writtenText ?? String(f.entry.input.text ?? ''));
  const sidecars = planSidecars(f, stale || rewritten, force, stale);
  const described = describeSidecarPlan(sidecars, rewritten);
  const reason = stale ? `sidecars written for earlier audio (a build stopped before writing them anew); ${described}` : described;
  if (sidecars.write.length > 0 || sidecars.drop.length > 0 || sidecars.claim.length > 0) {
    const missing = !stale && !rewritten && sidecars.write.some((s) => Object.hasOwn(sidecars.recorded, s.out));
    return { action: { type: 'sidecars' }, reason, cause: missing ? 'missing' : 'changed', sidecars };
  }
  return sidecars.keep.length > 0 ? { action: { type: 'keep-modified' }, reason: described } : undefined;
}

/** The line's text as people read it: as written, before the lexicon. */
function writtenText(asset: ResolvedAsset): string {
  return asset.writtenText ?? String(asset.input.text ?? '');
}

/** For people: which sidecars are written, left alone or removed, and why. */
export function describeSidecarPlan(plan: SidecarPlan, rewritten = false): string {
  const locked = plan.recorded;
  const parts: string[] = [];
  if (rewritten) {
    const outs = plan.write.map((s) => s.out).join(', ');
    if (outs !== '')
      parts.push(`text as written changed, the same is sent: ${outs} written again from the timing data kept locally (no API call)`);
    return parts.concat(describeUnwritten(plan)).join('; ');
  }
  const missing = plan.write.filter((s) => Object.hasOwn(locked, s.out) && !Object.hasOwn(plan.present, s.out)).map((s) => s.out);
  const again = plan.write.filter((s) => Object.hasOwn(plan.present, s.out)).map((s) => s.out);
  const added = plan.write.filter((s) => !Object.hasOwn(locked, s.out)).map((s) => s.out);
  if (missing.length > 0) parts.push(`${missing.join(', ')} missing`);
  if (again.length > 0) parts.push(`${again.join(', ')} written again`);
  if (added.length > 0) parts.push(`${added.join(', ')} new`);
  if (plan.write.length > 0) parts.push('writing from the timing data kept locally (no API call)');
  return parts.concat(describeUnwritten(plan)).join('; ');
}

/** The sidecars a plan leaves alone, claims or removes, for people. */
function describeUnwritten(plan: SidecarPlan): string[] {
  const parts = plan.keep.map((kept) => `${kept.out} ${kept.why}`);
  const claimed = plan.claim.map((c) => c.out);
  if (claimed.length > 0) parts.push(`${claimed.join(', ')} there with no record of it: kept as it is, recorded if kieaudio made it`);
  const removed = plan.drop.map((d) => d.out);
  if (removed.length > 0) parts.push(`${removed.join(', ')} no longer asked for: removing`);
  return parts;
}
