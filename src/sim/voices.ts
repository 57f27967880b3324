/**
 * Which `voice` values kie.ai accepts for ElevenLabs speech (docs/kie-api.md §8): the 21 preset names
 * of the March 2026 docs, case-sensitive, or a 20-character ElevenLabs voice id.
 */

export const PRESET_VOICES: readonly string[] = [
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
];

const VOICE_ID = /^[A-Za-z0-9]{20}$/;

export function isAllowedVoice(voice: string): boolean {
  return PRESET_VOICES.includes(voice) || VOICE_ID.test(voice);
}
