/**
 * Pure: the post-processing chain of one asset, from its three levels (the asset's `post:`, its
 * spec file's `post.<kind>`, the config's), settled against its `out` (spec/post-merge.ts). A
 * problem (a format that `out`'s extension contradicts, an MP3 rate) is an E_POST diagnostic at
 * the level that set the key at fault, or at `out` when no level set it. Values that failed
 * validation were reported already: they only make the chain unknown.
 */
import type { Diagnostic } from '../errors.js';
import type { ResolvedPostChain } from '../ffmpeg/post-chain.js';
import type { AssetKind } from '../project.js';
import { INVALID, type Invalid } from './content.js';
import type { DocPath, Locate } from './position.js';
import { mergePostLevels, type PostLevel, postLevelOf, resolvePostChain } from './post-merge.js';
import { POST_NONE, type PostDefaultsInput } from './post-schema.js';

/** A file's (or the config's) `post:` and where it was written. */
export interface PostSource {
  value: PostDefaultsInput | Invalid;
  file: string;
  locate: Locate;
}

export interface PostContext {
  kind: AssetKind;
  /** the asset's own `post:` and where the asset is */
  own: { value: unknown; file: string; locate: Locate; path: DocPath; label: string };
  /** the spec file's `post:`, then the config's (a config asset has only the config's) */
  defaults: readonly PostSource[];
}

export type AssetPost =
  | { kind: 'none' }
  | { kind: 'chain'; chain: ResolvedPostChain }
  /** reported (or reported already): the asset fails */
  | { kind: 'failed' }
  | { kind: 'problem'; diagnostic: Diagnostic };

interface Level {
  value: PostLevel;
  file: string;
  locate: Locate;
  path: DocPath;
  field: string;
}

/** The asset's chain, `failed` when a level is invalid, or a problem to report. */
export function resolveAssetPost(ctx: PostContext, out: unknown): AssetPost {
  const levels: Level[] = [];
  const { own } = ctx;
  // an invalid `out` was reported by validation
  if (typeof out !== 'string') return { kind: 'none' };
  if (own.value === INVALID) return { kind: 'failed' };
  levels.push({ value: own.value as PostLevel, file: own.file, locate: own.locate, path: [...own.path, 'post'], field: 'post' });
  for (const source of ctx.defaults) {
    if (source.value === INVALID) return { kind: 'failed' };
    const value = postLevelOf(source.value, ctx.kind);
    const whole = source.value === POST_NONE;
    const path = whole ? ['post'] : ['post', ctx.kind];
    levels.push({ value, file: source.file, locate: source.locate, path, field: whole ? 'post' : `post.${ctx.kind}` });
  }
  const resolution = mergeAndResolve(levels, out);
  if (resolution.kind !== 'problem') return resolution;
  const at = levelSetting(levels, resolution.field);
  const base = { severity: 'error' as const, code: 'E_POST', asset: own.label };
  if (at === undefined) {
    const where = own.locate([...own.path, 'out']);
    return { kind: 'problem', diagnostic: { ...base, file: own.file, ...where, field: 'out', message: `out: ${resolution.message}` } };
  }
  const where = at.locate([...at.path, resolution.field]);
  const field = `${at.field}.${resolution.field}`;
  // the message names its key (post-merge.ts); the diagnostic names the whole field instead
  const message = `${field}: ${resolution.message.replace(`${resolution.field}: `, '')}`;
  return { kind: 'problem', diagnostic: { ...base, file: at.file, ...where, field, message } };
}

function mergeAndResolve(levels: readonly Level[], out: string) {
  return resolvePostChain(mergePostLevels(levels.map((l) => l.value)), out);
}

/** The highest level that sets `key`, above any `none`. */
function levelSetting(levels: readonly Level[], key: 'format' | 'sampleRate'): Level | undefined {
  for (const level of levels) {
    if (level.value === POST_NONE) return undefined;
    if (level.value === undefined || level.value === null) continue;
    const value = level.value[key];
    if (value !== undefined && value !== null) return level;
  }
  return undefined;
}
