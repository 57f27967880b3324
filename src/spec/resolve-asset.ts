/**
 * Pure: one asset → a ResolvedAsset, by walking the defaults chain (asset > scene > speaker >
 * the file's defaults > the config's defaults > built-in), filling in a voice line's neighbours
 * and lexicon (sent-text.ts), and running the checks that need the whole chain: a pinned
 * voice, parameters the chosen model refuses, and an `out` that fits the format. Parts that
 * failed validation (content.ts) are reported where they are written, and only hide the checks
 * that depend on them.
 */
import { type AudioFormat, DEFAULT_EFFECT_OUTPUT_FORMAT, describeOutputFormat, SPEECH_FORMAT } from '../audio/format.js';
import type { Diagnostic } from '../errors.js';
import type { ResolvedPostChain } from '../ffmpeg/post-chain.js';
import { type AssetKind, type ResolvedAsset, TEXT_FIELDS } from '../project.js';
import type { AssetEntry } from './content.js';
import { type Layer, type Origin, type Picked, pickField, UNKNOWN } from './defaults-chain.js';
import { knownModel, refusedParam } from './models.js';
import { checkExtension, normalizeOut } from './out-path.js';
import { EFFECT_TEXT_WARN_LENGTH, MAX_TEXT_LENGTH, paramNames } from './params.js';
import { type PostSource, resolveAssetPost } from './resolve-post.js';
import { shapeText, type TextSources } from './sent-text.js';
import { pickSubtitles } from './subtitles.js';

export type { Layer, Origin };

export interface AssetContext {
  entry: AssetEntry;
  /** [asset, file defaults, config defaults]; null levels are skipped */
  layers: readonly Layer[];
  /** the model when no layer names one, and where it was written (origin undefined: built in); undefined when not known */
  fallbackModel: FallbackModel | undefined;
  /** reports a diagnostic; `own: false` diagnostics are deduplicated by location */
  report: (diagnostic: Diagnostic, own: boolean) => void;
  /** the id when the asset sets none (a scene line's `<scene id>.<n>`); default: its `out` */
  defaultId?: string | undefined;
  /** an error was found before the chain was walked (an unknown speaker): reported already, no ResolvedAsset */
  blocked?: boolean;
  /** where a voice line's text fields come from besides the chain: its neighbours, the lexicon */
  text?: TextSources;
  /** `post:` of the spec file (when the asset is in one) and of the config, highest first */
  post?: readonly PostSource[];
}

export interface FallbackModel {
  slug: string;
  origin?: Origin;
}

export interface ResolvedOne {
  /** present when the asset and everything it inherits are valid */
  asset?: ResolvedAsset;
  /** the normalized out, when valid, even if other checks failed (for duplicate and symlink checks) */
  out?: string;
}

const TEXT_HINT: Record<AssetKind, string> = {
  voice: 'the words to speak',
  effect: 'a description of the sound',
};

/**
 * The checks of the defaults chain (a pinned voice, text, parameters the model refuses, warnings)
 * run on assets that passed validation. The `out` checks run on every asset whose `out` is valid,
 * with the extension checked whenever the format is known, so a bad parameter does not hide them.
 */
export function resolveAsset(ctx: AssetContext): ResolvedOne {
  const own = ctx.layers[0];
  if (own === undefined) return {};
  const check: AssetCheck = { ctx, own, checkChain: ctx.entry.valid, failed: !ctx.entry.valid || ctx.blocked === true };
  const kind = ctx.entry.kind;
  const chain = kind === undefined ? undefined : resolveChain(check, kind);
  const post = kind === undefined ? undefined : resolvePost(check, kind);
  const out = resolveOut(check, chain, post !== undefined);
  if (out === undefined) return {};
  if (check.failed || chain?.model === undefined || chain.format === undefined) return { out };
  const model = chain.model;
  const shaped =
    chain.kind === 'voice'
      ? shapeText(chain.input, own.values, ctx.text ?? NO_TEXT_SOURCES, (field) => refusedParam(model, field) === undefined)
      : undefined;
  if (shaped?.unknown === true) return { out };
  if (shaped !== undefined && !checkSentLength(check, shaped.input)) return { out };
  const id = own.values?.id;
  const asset: ResolvedAsset = {
    id: typeof id === 'string' ? id : (ctx.defaultId ?? out),
    kind: chain.kind,
    out,
    model,
    input: shaped?.input ?? chain.input,
    format: chain.format,
    source: { file: own.file, ...own.locate(own.path), index: ctx.entry.index },
  };
  if (shaped?.writtenText !== undefined) asset.writtenText = shaped.writtenText;
  if (shaped?.shaping !== undefined) asset.shaping = shaped.shaping;
  if (chain.subtitles !== undefined) asset.subtitles = chain.subtitles;
  if (post) asset.post = post;
  if (chain.kind === 'voice' && typeof own.values?.speaker === 'string') asset.speaker = own.values.speaker;
  return { out, asset };
}

const NO_TEXT_SOURCES: TextSources = { lexicon: {} };

/** What the checks of one asset share: where to report, and whether an error was found. */
interface AssetCheck {
  ctx: AssetContext;
  /** the asset's own level of the chain */
  own: Layer;
  /** whether to run the checks of the defaults chain: only on assets that passed validation */
  checkChain: boolean;
  /** an error was found (here or by validation): no ResolvedAsset */
  failed: boolean;
}

/** What an asset of a known kind takes from its defaults chain. */
interface Chain {
  kind: AssetKind;
  /** undefined when not known (the asset then fails) */
  model: string | undefined;
  /** the parameters set on the chain that the model accepts */
  input: Record<string, unknown>;
  /** undefined when `output_format` is hidden by a level that failed validation */
  format: AudioFormat | undefined;
  /** voice lines: the subtitle formats asked for, when any */
  subtitles?: readonly ('srt' | 'vtt')[];
}

function resolveChain(check: AssetCheck, kind: AssetKind): Chain {
  const model = resolveModel(check, kind);
  const { input, unknown } = collectParams(check, kind, model);
  checkRequired(check, kind, input, unknown);
  const chain: Chain = { kind, model, input, format: formatOf(kind, input, unknown) };
  if (kind !== 'voice') return chain;
  const { formats, problem } = pickSubtitles(check.ctx.layers, input);
  if (problem !== undefined && check.checkChain && !unknown.has('timestamps'))
    reportAt(check, problem.origin, 'E_SUBTITLES_TIMESTAMPS', problem.message);
  if (formats !== undefined) chain.subtitles = formats;
  return chain;
}

/** The model named on the chain, else the config's fallback; warns about a model kieaudio does not know. */
function resolveModel(check: AssetCheck, kind: AssetKind): string | undefined {
  const hit = pickField(check.ctx.layers, 'model');
  let model: string | undefined;
  let origin: Origin | undefined;
  if (hit === undefined) {
    model = check.ctx.fallbackModel?.slug;
    origin = check.ctx.fallbackModel?.origin;
  } else if (hit !== UNKNOWN && typeof hit.value === 'string') {
    model = hit.value;
    origin = hit.origin;
  }
  if (model === undefined) check.failed = true;
  if (check.checkChain && model !== undefined && origin !== undefined && knownModel(model) === undefined) {
    reportAt(
      check,
      origin,
      'W_UNKNOWN_MODEL',
      `"${model}" is not a model kieaudio knows; it is sent as written and checked against the ${kind} parameters (kie.ai adds models, but check the spelling)`,
      'warning',
    );
  }
  return model;
}

/**
 * The parameters of `kind` set on the chain and accepted by the model; `unknown` names those a
 * level that failed validation hides, so that they are not also reported as missing.
 */
function collectParams(
  check: AssetCheck,
  kind: AssetKind,
  model: string | undefined,
): { input: Record<string, unknown>; unknown: ReadonlySet<string> } {
  const input: Record<string, unknown> = {};
  const unknown = new Set<string>();
  for (const name of paramNames(kind)) {
    const hit = pickField(check.ctx.layers, name);
    if (hit === undefined) continue;
    if (hit === UNKNOWN) {
      check.failed = true;
      unknown.add(name);
      continue;
    }
    // with the model unknown a parameter cannot be refused here; the model's own problem is reported
    const refused = model === undefined ? undefined : refusedParam(model, name);
    if (refused !== undefined) {
      if (check.checkChain)
        reportAt(check, hit.origin, 'E_PARAM_UNSUPPORTED', `not accepted by model ${model}: ${refused}; remove it or choose another model`);
      check.failed = true;
      continue;
    }
    input[name] = hit.value;
    if (check.checkChain && name === 'text' && kind === 'effect') warnLongEffectText(check, hit);
  }
  return { input, unknown };
}

function warnLongEffectText(check: AssetCheck, text: Picked): void {
  if (typeof text.value !== 'string' || text.value.length <= EFFECT_TEXT_WARN_LENGTH) return;
  reportAt(
    check,
    text.origin,
    'W_EFFECT_TEXT_LONG',
    `${text.value.length} characters; kie.ai's backend has been seen to reject sound-effect prompts over ${EFFECT_TEXT_WARN_LENGTH} characters although its docs allow 5000`,
    'warning',
  );
}

/** Fields that no level of the chain sets, reported on the asset; a field a failed level hides is not missing. */
function checkRequired(check: AssetCheck, kind: AssetKind, input: Record<string, unknown>, unknown: ReadonlySet<string>): void {
  if (!check.checkChain) return;
  if (input.text === undefined && !unknown.has('text')) {
    reportOnAsset(check, 'E_REQUIRED', 'text', `missing required field "text" (${TEXT_HINT[kind]})`);
  }
  if (kind === 'voice' && input.voice === undefined && !unknown.has('voice')) {
    reportOnAsset(
      check,
      'E_VOICE_UNPINNED',
      'voice',
      'voice: no voice is set on this asset or in any defaults; pin one (e.g. `voice: Rachel` here or in defaults.voice), because kie.ai has changed its default voice before and an unpinned line would not be reproducible',
    );
  }
}

function formatOf(kind: AssetKind, input: Record<string, unknown>, unknown: ReadonlySet<string>): AudioFormat | undefined {
  if (kind === 'voice') return SPEECH_FORMAT;
  if (unknown.has('output_format')) return undefined;
  return describeOutputFormat(typeof input.output_format === 'string' ? input.output_format : DEFAULT_EFFECT_OUTPUT_FORMAT);
}

/** The normalized `out`, undefined when not valid; its extension is checked when the format is known and no chain decides it. */
function resolveOut(check: AssetCheck, chain: Chain | undefined, processed: boolean): string | undefined {
  const { own } = check;
  // a missing or mistyped out was reported by validation
  const rawOut = own.values?.out;
  if (typeof rawOut !== 'string') return undefined;
  const origin: Origin = { file: own.file, locate: own.locate, path: [...own.path, 'out'], field: 'out', own: true };
  const outcome = normalizeOut(rawOut);
  if (!outcome.ok) {
    reportAt(check, origin, outcome.code, outcome.message);
    return undefined;
  }
  if (chain?.format !== undefined && !processed) {
    const extensionProblem = checkExtension(outcome.out, chain.kind, chain.format, typeof chain.input.output_format === 'string');
    if (extensionProblem !== undefined) reportAt(check, origin, 'E_OUT_EXTENSION', extensionProblem);
  }
  return outcome.out;
}

/** The asset's post-processing chain, undefined for none, null when unknown; a problem is reported and fails the asset. */
function resolvePost(check: AssetCheck, kind: AssetKind): ResolvedPostChain | null | undefined {
  const { own, ctx } = check;
  const at = { value: own.values?.post, file: own.file, locate: own.locate, path: own.path, label: ctx.entry.label };
  const post = resolveAssetPost({ kind, own: at, defaults: ctx.post ?? [] }, own.values?.out);
  if (post.kind === 'problem') ctx.report(post.diagnostic, post.diagnostic.file === own.file);
  check.failed ||= post.kind === 'problem' || post.kind === 'failed';
  return post.kind === 'chain' ? post.chain : post.kind === 'none' ? undefined : null;
}

/** Reports a problem of the value at `origin`, named by its field; an error fails the asset. */
function reportAt(check: AssetCheck, origin: Origin, code: string, message: string, severity: 'error' | 'warning' = 'error'): void {
  if (severity === 'error') check.failed = true;
  check.ctx.report(
    {
      file: origin.file,
      ...origin.locate(origin.path),
      severity,
      code,
      asset: check.ctx.entry.label,
      field: origin.field,
      message: `${origin.field}: ${message}`,
    },
    origin.own,
  );
}

/** The lexicon may lengthen text past what the API takes: reported on the asset, per field. */
function checkSentLength(check: AssetCheck, input: Readonly<Record<string, unknown>>): boolean {
  let fits = true;
  for (const field of TEXT_FIELDS) {
    const text = input[field];
    if (typeof text !== 'string' || text.length <= MAX_TEXT_LENGTH) continue;
    fits = false;
    reportOnAsset(
      check,
      'E_TOO_LONG',
      field,
      `${field}: expected at most ${MAX_TEXT_LENGTH} characters as sent, found ${text.length} after the lexicon's respellings`,
    );
  }
  return fits;
}

/** Reports an error at the asset itself, for a field that it and its defaults lack. */
function reportOnAsset(check: AssetCheck, code: string, field: string, message: string): void {
  const { own } = check;
  check.failed = true;
  check.ctx.report(
    { file: own.file, ...own.locate(own.path), severity: 'error', code, asset: check.ctx.entry.label, field, message },
    true,
  );
}
