/**
 * Turns zod issues into Diagnostics: a code, the asset and field, the YAML position, and a
 * message that says what was expected and what was found. Leaf schemas carry their own
 * messages (param-schemas.ts); this module adds the field name and handles what only the
 * document can tell: missing fields, unknown keys and the asset `kind` itself.
 */
import type { z } from 'zod';
import type { Diagnostic } from '../errors.js';
import { isRecord } from '../is-record.js';
import type { AssetKind } from '../project.js';
import { describeFound, describeType, quoteList } from './describe.js';
import { lineLabel } from './dialogue-content.js';
import { knownKeysAt } from './known-keys.js';
import { assetLabel, valueAt } from './label.js';
import { PARAMS_BY_KIND } from './params.js';
import type { DocPath, Locate } from './position.js';
import { didYouMean, suggest } from './suggest.js';

/** Returned by the per-parse error map: marks issues whose schema set no message of its own. */
export const NO_MESSAGE = '\u0000';
export const noMessage = (): string => NO_MESSAGE;

const KINDS: readonly AssetKind[] = ['voice', 'effect'];

export interface IssueContext {
  /** display path of the file */
  file: string;
  /** the data that was validated */
  data: unknown;
  locate: Locate;
  /** the root schema the data was validated against */
  schema: z.core.$ZodType;
}

const REQUIRED_HINTS: Record<string, string> = {
  version: ' (expected 1)',
  kind: ' (expected "voice" or "effect")',
  out: ' (expected the output path relative to outDir)',
  assets: ' (expected a list of assets)',
};

export function issuesToDiagnostics(issues: readonly z.core.$ZodIssue[], ctx: IssueContext): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  const push = (d: Diagnostic) => {
    // every problem of a post-processing chain has one code, whatever zod called it
    if (d.field !== undefined && /^post(\.|$)/.test(d.field) && d.code !== 'E_REQUIRED') d = { ...d, code: 'E_POST' };
    const key = `${d.line}:${d.col}:${d.code}:${d.message}`;
    if (seen.has(key)) return; // several checks of one value failing say the same thing once
    seen.add(key);
    diagnostics.push(d);
  };
  for (const issue of issues.flatMap((i) => mapBranchIssues(i, ctx.data))) {
    const path = issue.path.filter((s): s is string | number => typeof s !== 'symbol');
    const { asset, fieldPath } = splitAssetPath(path, ctx.data);
    const base = { file: ctx.file, severity: 'error' as const, ...(asset === undefined ? {} : { asset }) };

    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) push({ ...base, ...unknownKey(key, path, fieldPath, ctx) });
      continue;
    }

    if (issue.code === 'invalid_key') {
      push({ ...base, ...ctx.locate(path, 'key'), ...keyProblem(issue, fieldPath) });
      continue;
    }

    const field = fieldPath.join('.');
    const withField = (message: string) => (field === '' ? { message } : { field, message: `${field}: ${message}` });
    const missing = missingKey(path, ctx.data);
    if (missing !== undefined && (issue.code !== 'custom' || issue.params?.code === 'E_REQUIRED')) {
      push({
        ...base,
        ...ctx.locate(path),
        code: 'E_REQUIRED',
        ...(field === '' ? {} : { field }),
        message: `missing required field "${missing}"${REQUIRED_HINTS[missing] ?? ''}`,
      });
      continue;
    }

    const found = valueAt(ctx.data, path);
    let message = issue.message;
    if (issue.code === 'invalid_union' && issue.discriminator === 'kind') {
      const hint = typeof found === 'string' ? suggest(found, KINDS) : undefined;
      message = `expected "voice" or "effect", found ${describeFound(found)}${didYouMean(hint)}`;
    } else if (message === NO_MESSAGE) {
      message = genericMessage(issue, found);
    }
    push({ ...base, ...ctx.locate(path), code: codeOf(issue), ...withField(message) });
  }
  return diagnostics;
}

/** An unknown key, at the key itself; `subtitles` on an effect says why it cannot be there. */
function unknownKey(key: string, path: DocPath, fieldPath: DocPath, ctx: IssueContext): Omit<Diagnostic, 'file' | 'severity'> {
  const effectSubtitles = key === 'subtitles' && kindOfMap(path, ctx.data) === 'effect';
  return {
    ...ctx.locate([...path, key], 'key'),
    code: effectSubtitles ? 'E_SUBTITLES_EFFECT' : 'E_UNKNOWN_KEY',
    field: [...fieldPath, key].join('.'),
    message: effectSubtitles ? EFFECT_SUBTITLES_MESSAGE : unknownKeyMessage(key, path, fieldPath, ctx),
  };
}

/**
 * A map that failed a union of a word and a map (`post: none` or a chain) failed as a map: its
 * own issues (an unknown key, a value out of range) say more, at their own positions, than
 * "expected this or that" at the map.
 */
function mapBranchIssues(issue: z.core.$ZodIssue, data: unknown): z.core.$ZodIssue[] {
  if (issue.code !== 'invalid_union' || issue.discriminator !== undefined) return [issue];
  const path = issue.path.filter((s): s is string | number => typeof s !== 'symbol');
  if (!isRecord(valueAt(data, path))) return [issue];
  const branches = issue.errors.filter((errors) => !errors.some((e) => e.path.length === 0 && e.code !== 'unrecognized_keys'));
  const [branch, ...others] = branches;
  if (branch === undefined || others.length > 0) return [issue];
  return branch.flatMap((e) => mapBranchIssues({ ...e, path: [...issue.path, ...e.path] } as z.core.$ZodIssue, data));
}

/** Issues inside `assets[i]` or a scene's `lines[j]` are reported against that asset, with fields relative to it. */
function splitAssetPath(path: DocPath, data: unknown): { asset?: string; fieldPath: DocPath } {
  const [first, index, lines, j] = path;
  if (first === 'assets' && typeof index === 'number') {
    return { asset: assetLabel(valueAt(data, ['assets', index]), index), fieldPath: path.slice(2) };
  }
  if (first === 'scenes' && typeof index === 'number' && lines === 'lines' && typeof j === 'number') {
    const sceneId = valueAt(data, ['scenes', index, 'id']);
    return { asset: lineLabel(valueAt(data, path.slice(0, 4)), sceneId, j), fieldPath: path.slice(4) };
  }
  return { fieldPath: path };
}

/** A map key that failed its own check (a lexicon word that is not one word): its message and code. */
function keyProblem(issue: z.core.$ZodIssueInvalidKey, fieldPath: DocPath): { code: string; field: string; message: string } {
  const inner = issue.issues[0];
  const code: unknown = inner?.code === 'custom' ? inner.params?.code : undefined;
  const field = fieldPath.join('.');
  const message = inner === undefined || inner.message === NO_MESSAGE ? 'invalid key' : inner.message;
  return { code: typeof code === 'string' ? code : 'E_INVALID_KEY', field, message: `${field}: ${message}` };
}

/** The key that is absent from its map, when the issue is about a field that was never written. */
function missingKey(path: DocPath, data: unknown): string | undefined {
  const last = path.at(-1);
  if (typeof last !== 'string') return undefined;
  const parent = valueAt(data, path.slice(0, -1));
  return isRecord(parent) && !Object.hasOwn(parent, last) ? last : undefined;
}

const SECRET_KEYS = new Set([
  'key',
  'apikey',
  'kieapikey',
  'apitoken',
  'token',
  'secret',
  'secretkey',
  'accesstoken',
  'authorization',
  'bearer',
  'password',
]);

function unknownKeyMessage(key: string, mapPath: DocPath, fieldPath: DocPath, ctx: IssueContext): string {
  if (SECRET_KEYS.has(key.toLowerCase().replace(/[^a-z]/g, ''))) {
    return `unknown key "${key}": the API key comes only from KIE_API_KEY (the environment or a .env file beside the config), never from YAML`;
  }
  const where = fieldPath.length === 0 ? '' : ` in ${fieldPath.join('.')}`;
  const meant = suggest(key, knownKeysAt(ctx.schema, ctx.data, mapPath));
  // at the top, a name that fits nothing may be meant as the user's own (extension-keys.ts)
  const own = mapPath.length === 0 && meant === undefined ? ' (keys of your own at the top level start with "x-")' : '';
  return `unknown key "${key}"${where}${kindHint(key, mapPath, ctx.data) ?? (didYouMean(meant) || own)}`;
}

const EFFECT_SUBTITLES_MESSAGE =
  'subtitles: sound effects have no words to subtitle; subtitles are for voice lines (kind: voice, or defaults.voice)';

/** The kind of the asset or `defaults.<kind>` map at `mapPath`, when it is one. */
function kindOfMap(mapPath: DocPath, data: unknown): AssetKind | undefined {
  const map = valueAt(data, mapPath);
  if (isSceneLine(mapPath)) return 'voice';
  const inAsset = mapPath.length === 2 && mapPath[0] === 'assets' && isRecord(map);
  const kind = inAsset ? map.kind : mapPath.length === 2 && mapPath[0] === 'defaults' ? mapPath[1] : undefined;
  return kind === 'voice' || kind === 'effect' ? kind : undefined;
}

function isSceneLine(mapPath: DocPath): boolean {
  return mapPath.length === 4 && mapPath[0] === 'scenes' && mapPath[2] === 'lines';
}

/** A parameter of the other kind is a misplaced key, not a typo: say where it belongs. */
function kindHint(key: string, mapPath: DocPath, data: unknown): string | undefined {
  const inAsset = mapPath[0] === 'assets' || isSceneLine(mapPath);
  const kind = kindOfMap(mapPath, data);
  if (kind === undefined) return undefined;
  if (key === 'speaker' && kind === 'effect' && inAsset) {
    return ' (a speaker gives a voice line the voice parameters of its cast entry, and this asset is kind: effect)';
  }
  const other: AssetKind = kind === 'voice' ? 'effect' : 'voice';
  if (Object.hasOwn(PARAMS_BY_KIND[kind], key) || !Object.hasOwn(PARAMS_BY_KIND[other], key)) return undefined;
  return inAsset
    ? ` ("${key}" is a parameter of ${other} assets, and this asset is kind: ${kind})`
    : ` ("${key}" is a parameter of ${other} assets; it belongs under defaults.${other})`;
}

const TYPE_WORDS: Record<string, string> = {
  string: 'a string',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  array: 'a list',
  object: 'a map',
};

function genericMessage(issue: z.core.$ZodIssue, found: unknown): string {
  switch (issue.code) {
    case 'invalid_type': {
      const structural = issue.expected === 'array' || issue.expected === 'object';
      return `expected ${TYPE_WORDS[issue.expected] ?? issue.expected}, found ${structural ? describeType(found) : describeFound(found)}`;
    }
    case 'invalid_value':
      return `expected ${quoteList(issue.values.map(String))}, found ${describeFound(found)}`;
    case 'too_small':
      return `expected at least ${String(issue.minimum)}, found ${describeFound(found)}`;
    case 'too_big':
      return `expected at most ${String(issue.maximum)}, found ${describeFound(found)}`;
    default:
      return `invalid value ${describeFound(found)}`;
  }
}

function codeOf(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'custom': {
      const code: unknown = issue.params?.code;
      return typeof code === 'string' ? code : 'E_INVALID';
    }
    case 'invalid_type':
      return 'E_TYPE';
    case 'too_big':
      return issue.origin === 'string' ? 'E_TOO_LONG' : 'E_RANGE';
    case 'too_small':
    case 'not_multiple_of':
      return 'E_RANGE';
    case 'invalid_value':
      return 'E_ENUM';
    case 'invalid_union':
      // a value of no type any branch takes (a list where text or a map of texts goes) is a type error
      return issue.discriminator === undefined &&
        issue.errors.every((branch) => branch.some((e) => e.path.length === 0 && e.code === 'invalid_type'))
        ? 'E_TYPE'
        : 'E_ENUM';
    case 'invalid_format':
      return 'E_FORMAT';
    default:
      return 'E_INVALID';
  }
}
