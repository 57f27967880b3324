/**
 * zod builders for single values: the asset parameters from params.ts, model slugs, ids and
 * config numbers. Every check carries its own message of the form "expected …, found …" so the
 * user sees the allowed range next to what they wrote; issues.ts adds the field name.
 */
import { z } from 'zod';
import type { AssetKind } from '../project.js';
import { describeFound, describeType, quotedNumberHint } from './describe.js';
import { knownModel, knownModelsOf, MODEL_SLUG } from './models.js';
import {
  type BooleanParam,
  describeExpected,
  type EnumParam,
  isOnStep,
  type NumberParam,
  type ParamSpec,
  type TextParam,
  type VoiceParam,
} from './params.js';
import { didYouMean, suggest } from './suggest.js';
import { isKnownVoice, PRESET_VOICES, suggestVoice, VOICE_ID_PATTERN } from './voices.js';

/** The part of a zod issue the messages need; zod passes it to every `error` function. */
interface IssueInput {
  readonly input?: unknown;
}

type Message = (issue: IssueInput) => string;

function expected(what: string, hint: (input: unknown) => string = () => ''): Message {
  return (issue) => `expected ${what}, found ${describeFound(issue.input)}${hint(issue.input)}`;
}

/** Absent and `null` both mean "not set here", so lower levels of the defaults chain apply. */
export function unset<T extends z.ZodType>(schema: T) {
  const wrapped = schema.nullable().optional();
  // editors show the outermost description on hover, so it is repeated on the wrapper
  return schema.description === undefined ? wrapped : wrapped.describe(schema.description);
}

function numberParam(spec: NumberParam) {
  const error = expected(describeExpected(spec), quotedNumberHint);
  return z
    .number({ error })
    .min(spec.min, { error })
    .max(spec.max, { error })
    .refine((value) => isOnStep(value, spec.step), { error, params: { code: 'E_RANGE' } })
    .describe(spec.description);
}

/**
 * Control characters other than tab and line breaks (C0, DEL, C1): a NUL pasted from a binary
 * file, an escape code from a terminal. Nothing a voice can speak; the API's text fields are not
 * made for them, and some stacks cut the text at a NUL.
 */
const TEXT_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

function textParam(spec: TextParam) {
  const what = describeExpected(spec);
  const error: Message = (issue) =>
    typeof issue.input === 'string'
      ? `expected ${what}, found ${issue.input.length} characters`
      : `expected ${what}, found ${describeFound(issue.input)}`;
  const schema = z
    .string({ error })
    .max(spec.maxLength, { error })
    .refine((value) => !TEXT_CONTROL.test(value), { error: controlCharacterMessage, params: { code: 'E_CONTROL_CHARACTER' } });
  const meta = { description: spec.description, pattern: `^[^${TEXT_CONTROL.source.slice(1, -1)}]*$` };
  if (!spec.nonEmpty) return schema.meta(meta);
  return schema
    .refine((value) => /\S/.test(value), {
      error: (issue) => `expected ${what}, found ${issue.input === '' ? 'an empty string' : 'only whitespace'}`,
      params: { code: 'E_RANGE' },
    })
    .meta(meta);
}

function controlCharacterMessage(issue: IssueInput): string {
  const text = typeof issue.input === 'string' ? issue.input : '';
  const index = text.search(TEXT_CONTROL);
  const code = `U+${(text.codePointAt(index) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
  return `expected text without control characters (tabs and line breaks are fine), found ${code} at character ${index + 1}`;
}

function booleanParam(spec: BooleanParam) {
  return z.boolean({ error: expected('true or false') }).describe(spec.description);
}

export function enumParam<const T extends readonly [string, ...string[]]>(spec: EnumParam & { values: T }) {
  return z
    .enum(spec.values, {
      error: (issue) => {
        const hint = typeof issue.input === 'string' ? suggest(issue.input, spec.values) : undefined;
        return `expected ${describeExpected(spec)}, found ${describeFound(issue.input)}${didYouMean(hint)}`;
      },
    })
    .describe(spec.description);
}

function voiceParam(spec: VoiceParam) {
  const what = describeExpected(spec);
  return z
    .string({ error: expected(what) })
    .refine(isKnownVoice, {
      error: (issue) => {
        const found = typeof issue.input === 'string' ? issue.input : '';
        const hint = suggestVoice(found);
        const caseNote = hint !== undefined && hint.toLowerCase() === found.toLowerCase() ? ' Voice names are case-sensitive.' : '';
        return `expected ${what}, found ${describeFound(issue.input)}${didYouMean(hint, caseNote)}`;
      },
      params: { code: 'E_VOICE_UNKNOWN' },
    })
    .meta({
      description: spec.description,
      anyOf: [{ enum: [...PRESET_VOICES] }, { pattern: VOICE_ID_PATTERN }],
    });
}

/** The schema of one parameter, from its row in the table (params.ts). */
export function paramSchema(spec: ParamSpec): z.ZodType {
  switch (spec.type) {
    case 'number':
      return numberParam(spec);
    case 'text':
      return textParam(spec);
    case 'boolean':
      return booleanParam(spec);
    case 'voice':
      return voiceParam(spec);
    default:
      return enumParam(spec as EnumParam & { values: readonly [string, ...string[]] });
  }
}

/** A kind's parameters, each optional and nullable (null means "not set here"). */
export function paramsShape<T extends Record<string, ParamSpec>>(table: T): { [K in keyof T]: ReturnType<typeof unset<z.ZodType>> } {
  const shape: Record<string, ReturnType<typeof unset<z.ZodType>>> = {};
  for (const [name, spec] of Object.entries(table)) shape[name] = unset(paramSchema(spec));
  return shape as { [K in keyof T]: ReturnType<typeof unset<z.ZodType>> };
}

const KIND_NOUN: Record<AssetKind, string> = { voice: 'voice lines', effect: 'sound effects' };

/** A model slug for `kind`; unknown slugs pass here and get a warning during resolution. */
export function modelSchema(kind: AssetKind) {
  const example = knownModelsOf(kind)[0] ?? 'owner/name';
  return z
    .string({ error: expected(`a model slug such as "${example}"`) })
    .regex(MODEL_SLUG, { error: expected(`a model slug of the form "owner/name", such as "${example}"`) })
    .refine((slug) => (knownModel(slug)?.kind ?? kind) === kind, {
      error: (issue) =>
        `expected a model for ${KIND_NOUN[kind]} such as "${example}", found ${describeFound(issue.input)}, ` +
        `which makes ${KIND_NOUN[kind === 'voice' ? 'effect' : 'voice']}`,
      params: { code: 'E_MODEL_KIND' },
    })
    .meta({
      description: `kie.ai model slug for ${KIND_NOUN[kind]}. Known: ${knownModelsOf(kind).join(', ')}; other "owner/name" slugs are allowed with a warning.`,
      examples: knownModelsOf(kind),
    });
}

export function idSchema() {
  const error = expected('an id: a non-empty string without spaces or control characters');
  return (
    z
      .string({ error })
      // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
      .regex(/^[^\s\u0000-\u001f\u007f-\u009f]+$/, { error })
      .describe('Unique in the project; defaults to `out`. Used by --only and in messages.')
  );
}

export function outSchema() {
  return z
    .string({ error: expected('a path relative to outDir, such as "npc/guard/hello.mp3"') })
    .min(1, { error: expected('a path relative to outDir, such as "npc/guard/hello.mp3"') })
    .describe(
      'Output file, relative to outDir, unique in the project (compared ignoring case). Its extension must fit the format: .mp3 for voice lines.',
    );
}

export function integerSchema(min: number, max?: number) {
  const what = max === undefined ? `an integer of at least ${min}` : `an integer from ${min} to ${max}`;
  const error = expected(what, quotedNumberHint);
  const schema = z.number({ error }).int({ error }).min(min, { error });
  return max === undefined ? schema : schema.max(max, { error });
}

export function secondsSchema() {
  const error = expected('a number of seconds greater than 0', quotedNumberHint);
  return z.number({ error }).positive({ error });
}

export function pathSchema(what: string) {
  const error = expected(`${what}: a non-empty path`);
  return z.string({ error }).min(1, { error });
}

/** Where a map or list was expected, only the type of what was found is quoted (see describeType). */
export function containerError(what: string): Message {
  return (issue) => `expected ${what}, found ${describeType(issue.input)}`;
}
