/**
 * The input parameters users may write per asset kind, with the API's own names, ranges and
 * steps (docs/kie-api.md §8). The zod schemas, the JSON Schemas, the error messages and resolution all
 * read this one table, so a range is stated once.
 */
import { EFFECT_OUTPUT_FORMATS } from '../audio/format.js';
import type { AssetKind } from '../project.js';

interface ParamBase {
  /** shown by editors through the JSON Schema */
  description: string;
}

export interface NumberParam extends ParamBase {
  type: 'number';
  min: number;
  max: number;
  step: number;
}

export interface TextParam extends ParamBase {
  type: 'text';
  maxLength: number;
  /** the API rejects an empty prompt */
  nonEmpty: boolean;
}

export interface BooleanParam extends ParamBase {
  type: 'boolean';
}

export interface EnumParam extends ParamBase {
  type: 'enum';
  values: readonly string[];
}

/** A preset name or an ElevenLabs voice id; checked against voices.ts. */
export interface VoiceParam extends ParamBase {
  type: 'voice';
}

export type ParamSpec = NumberParam | TextParam | BooleanParam | EnumParam | VoiceParam;

/** Longest text kie.ai documents for any text field. */
export const MAX_TEXT_LENGTH = 5000;

/** kie.ai's backend has been seen to reject longer sound-effect prompts (docs/kie-api.md §8). */
export const EFFECT_TEXT_WARN_LENGTH = 450;

export const VOICE_PARAMS = {
  text: {
    type: 'text',
    maxLength: MAX_TEXT_LENGTH,
    nonEmpty: true,
    description: 'The words to speak (at most 5000 characters).',
  },
  voice: {
    type: 'voice',
    description:
      'A preset voice name (case-sensitive, e.g. "Rachel") or a 20-character ElevenLabs voice id. ' +
      'Every voice asset must resolve one, here or in defaults.',
  },
  stability: {
    type: 'number',
    min: 0,
    max: 1,
    step: 0.01,
    description: 'Voice stability, 0 to 1 in steps of 0.01 (kie.ai default 0.5).',
  },
  similarity_boost: {
    type: 'number',
    min: 0,
    max: 1,
    step: 0.01,
    description: 'Similarity boost, 0 to 1 in steps of 0.01 (kie.ai default 0.75).',
  },
  style: {
    type: 'number',
    min: 0,
    max: 1,
    step: 0.01,
    description: 'Style exaggeration, 0 to 1 in steps of 0.01 (kie.ai default 0).',
  },
  speed: {
    type: 'number',
    min: 0.7,
    max: 1.2,
    step: 0.01,
    description: 'Speaking speed, 0.7 to 1.2 in steps of 0.01 (kie.ai default 1).',
  },
  timestamps: {
    type: 'boolean',
    description: 'Ask kie.ai for word timestamps.',
  },
  language_code: {
    type: 'text',
    maxLength: 500,
    nonEmpty: false,
    description: 'ISO 639-1 language code; only elevenlabs/text-to-speech-turbo-2-5 accepts it.',
  },
  previous_text: {
    type: 'text',
    maxLength: MAX_TEXT_LENGTH,
    nonEmpty: false,
    description: 'Text spoken before this line, for continuity (at most 5000 characters).',
  },
  next_text: {
    type: 'text',
    maxLength: MAX_TEXT_LENGTH,
    nonEmpty: false,
    description: 'Text spoken after this line, for continuity (at most 5000 characters).',
  },
} as const satisfies Record<string, ParamSpec>;

export const EFFECT_PARAMS = {
  text: {
    type: 'text',
    maxLength: MAX_TEXT_LENGTH,
    nonEmpty: true,
    description: 'Describes the sound. kie.ai documents 5000 characters, but its backend has been seen to reject ' + 'more than 450.',
  },
  loop: {
    type: 'boolean',
    description: 'Make the sound loop seamlessly (kie.ai default false).',
  },
  duration_seconds: {
    type: 'number',
    min: 0.5,
    max: 22,
    step: 0.1,
    description: 'Length in seconds, 0.5 to 22 in steps of 0.1 (unset: the model decides).',
  },
  prompt_influence: {
    type: 'number',
    min: 0,
    max: 1,
    step: 0.01,
    description: 'How closely to follow the text, 0 to 1 in steps of 0.01 (kie.ai default 0.3).',
  },
  output_format: {
    type: 'enum',
    values: EFFECT_OUTPUT_FORMATS,
    description:
      'Encoding of the result (default mp3_44100_128). `out` must end in .mp3 for mp3_*, .wav for ' +
      'pcm_*, ulaw_8000 and alaw_8000, and .ogg or .opus for opus_*.',
  },
} as const satisfies Record<string, ParamSpec>;

export type VoiceParamName = keyof typeof VOICE_PARAMS;
export type EffectParamName = keyof typeof EFFECT_PARAMS;
export type ParamName = VoiceParamName | EffectParamName;

export const PARAMS_BY_KIND: Readonly<Record<AssetKind, Readonly<Record<string, ParamSpec>>>> = {
  voice: VOICE_PARAMS,
  effect: EFFECT_PARAMS,
};

const VOICE_PARAM_NAMES: readonly string[] = Object.keys(VOICE_PARAMS);
const EFFECT_PARAM_NAMES: readonly string[] = Object.keys(EFFECT_PARAMS);

/** Parameter names of a kind, in table order (which is also the order of a resolved `input`). */
export function paramNames(kind: AssetKind): readonly string[] {
  return kind === 'voice' ? VOICE_PARAM_NAMES : EFFECT_PARAM_NAMES;
}

/** Whether a step-constrained number lies on its grid, tolerating binary floating point. */
export function isOnStep(value: number, step: number): boolean {
  const units = value / step;
  return Math.abs(units - Math.round(units)) < 1e-6;
}

/** "a number from 0 to 1 in steps of 0.01": what error messages say was expected. */
export function describeExpected(spec: ParamSpec): string {
  switch (spec.type) {
    case 'number':
      return `a number from ${spec.min} to ${spec.max} in steps of ${spec.step}`;
    case 'text':
      return spec.nonEmpty ? `text of 1 to ${spec.maxLength} characters` : `a string of at most ${spec.maxLength} characters`;
    case 'boolean':
      return 'true or false';
    case 'enum':
      return `one of ${spec.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'voice':
      return 'a preset voice name (e.g. "Rachel") or a 20-character voice id';
  }
}
