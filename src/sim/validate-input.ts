/**
 * createTask validation as kie.ai performs it (docs/kie-api.md §3, §8), including its quirks: an
 * unknown voice and an over-long effect prompt come back as code 500, not 422. Unknown input keys
 * are ignored, as the real service silently ignores them (a `voice_id` key did nothing there).
 * A null value counts as not sent.
 */
import { isEffectOutputFormat } from '../audio/format.js';
import { isRecord } from '../is-record.js';
import { isKnownVoice } from '../spec/voices.js';
import { modelKind, type SimModelKind } from './models.js';

export interface CreateRequest {
  model: string;
  kind: SimModelKind;
  input: Record<string, unknown>;
  callBackUrl: string | undefined;
}

export type CreateValidation = { ok: true; request: CreateRequest } | { ok: false; code: number; msg: string };

export const MAX_TEXT = 5000;
/** The effect backend's real limit, below the documented 5000 (docs/kie-api.md §8). */
export const MAX_EFFECT_TEXT = 450;

class Rejection extends Error {
  constructor(
    readonly code: number,
    msg: string,
  ) {
    super(msg);
  }
}

export function validateCreateBody(body: unknown): CreateValidation {
  try {
    return { ok: true, request: check(body) };
  } catch (error) {
    if (error instanceof Rejection) return { ok: false, code: error.code, msg: error.message };
    throw error;
  }
}

function check(body: unknown): CreateRequest {
  if (!isRecord(body)) throw new Rejection(422, 'request body must be a JSON object');
  const { model, input, callBackUrl } = body;
  const kind = typeof model === 'string' ? modelKind(model) : undefined;
  if (typeof model !== 'string' || kind === undefined) {
    throw new Rejection(422, 'The model name you specified is not supported');
  }
  if (callBackUrl !== undefined && callBackUrl !== null && typeof callBackUrl !== 'string') {
    throw new Rejection(422, 'callBackUrl must be a string');
  }
  if (!isRecord(input)) throw new Rejection(422, 'input is required and must be an object');

  const text = input.text;
  if (typeof text !== 'string' || text.trim() === '') throw new Rejection(422, 'text is required');
  if (text.length > MAX_TEXT) throw new Rejection(422, `text must be at most ${MAX_TEXT} characters`);
  if (kind === 'speech') checkSpeech(model, input);
  else checkEffect(input, text);
  return { model, kind, input, callBackUrl: typeof callBackUrl === 'string' ? callBackUrl : undefined };
}

function checkSpeech(model: string, input: Record<string, unknown>): void {
  const voice = present(input, 'voice');
  if (voice === undefined) {
    if (model === 'elevenlabs/text-to-speech-multilingual-v2') throw new Rejection(422, 'voice is required');
  } else if (typeof voice !== 'string' || !isKnownVoice(voice)) {
    throw new Rejection(500, 'This voice is not within the range of allowed options');
  }
  numberIn(input, 'stability', 0, 1);
  numberIn(input, 'similarity_boost', 0, 1);
  numberIn(input, 'style', 0, 1);
  numberIn(input, 'speed', 0.7, 1.2);
  booleanField(input, 'timestamps');
  stringUpTo(input, 'previous_text', MAX_TEXT);
  stringUpTo(input, 'next_text', MAX_TEXT);
  const language = stringUpTo(input, 'language_code', 500);
  // the docs: language_code is enforced only by Turbo/Flash v2.5, "other models return an error"
  if (language !== undefined && language !== '' && model !== 'elevenlabs/text-to-speech-turbo-2-5') {
    throw new Rejection(422, 'language_code is only supported by elevenlabs/text-to-speech-turbo-2-5');
  }
}

function checkEffect(input: Record<string, unknown>, text: string): void {
  if (text.length > MAX_EFFECT_TEXT) throw new Rejection(500, 'text exceeds maximum length');
  booleanField(input, 'loop');
  const duration = numberIn(input, 'duration_seconds', 0.5, 22);
  if (duration !== undefined && Math.abs(duration * 10 - Math.round(duration * 10)) > 1e-6) {
    throw new Rejection(422, 'duration_seconds must be a multiple of 0.1');
  }
  numberIn(input, 'prompt_influence', 0, 1);
  const format = present(input, 'output_format');
  if (format !== undefined && (typeof format !== 'string' || !isEffectOutputFormat(format))) {
    throw new Rejection(422, `output_format ${JSON.stringify(format)} is not supported`);
  }
}

function present(input: Record<string, unknown>, key: string): unknown {
  const value = input[key];
  return value === null ? undefined : value;
}

function numberIn(input: Record<string, unknown>, key: string, min: number, max: number): number | undefined {
  const value = present(input, key);
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Rejection(422, `${key} must be a number`);
  if (value < min || value > max) throw new Rejection(422, `${key} must be between ${min} and ${max}`);
  return value;
}

function booleanField(input: Record<string, unknown>, key: string): void {
  const value = present(input, key);
  if (value !== undefined && typeof value !== 'boolean') throw new Rejection(422, `${key} must be a boolean`);
}

function stringUpTo(input: Record<string, unknown>, key: string, max: number): string | undefined {
  const value = present(input, key);
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new Rejection(422, `${key} must be a string`);
  if (value.length > max) throw new Rejection(422, `${key} must be at most ${max} characters`);
  return value;
}
