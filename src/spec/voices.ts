/**
 * Voices kie.ai accepts for text to speech (docs/kie-api.md §8). Names are case-sensitive on kie.ai's
 * side ("rachel" fails there), so they are checked case-sensitively here too and sent exactly as
 * written; the case-insensitive match only feeds the "did you mean" hint.
 */
import { suggest } from './suggest.js';

/** The 21 preset names from kie.ai's documentation. */
export const PRESET_VOICES = [
  'Rachel',
  'Aria',
  'Roger',
  'Sarah',
  'Laura',
  'Charlie',
  'George',
  'Callum',
  'River',
  'Liam',
  'Charlotte',
  'Alice',
  'Matilda',
  'Will',
  'Jessica',
  'Eric',
  'Chris',
  'Brian',
  'Daniel',
  'Lily',
  'Bill',
] as const;

export type PresetVoice = (typeof PRESET_VOICES)[number];

const PRESET_SET: ReadonlySet<string> = new Set(PRESET_VOICES);
const VOICE_ID = /^[A-Za-z0-9]{20}$/;

/** The regular expression source for an ElevenLabs voice id, shared with the JSON Schema. */
export const VOICE_ID_PATTERN = VOICE_ID.source;

export function isPresetVoice(value: string): value is PresetVoice {
  return PRESET_SET.has(value);
}

/** An ElevenLabs voice id: exactly 20 ASCII letters and digits. */
export function isVoiceId(value: string): boolean {
  return VOICE_ID.test(value);
}

export function isKnownVoice(value: string): boolean {
  return isPresetVoice(value) || isVoiceId(value);
}

/** The preset the user probably meant, e.g. "Rachel" for "rachel" or "Rachl". */
export function suggestVoice(value: string): PresetVoice | undefined {
  const name = suggest(value, PRESET_VOICES);
  return PRESET_VOICES.find((preset) => preset === name);
}
