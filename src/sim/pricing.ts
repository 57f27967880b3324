/**
 * What a task costs in the simulator. kie.ai's real prices change and are not part of its API, so
 * the rule is deliberately simple and easy to assert in tests:
 * - speech (either model): 1 credit per started 100 characters of `text` (minimum 1);
 * - sound effect: 12 credits per task, whatever its length or format.
 * Failed tasks cost nothing, as on kie.ai.
 */
import type { SimModelKind } from './models.js';

export const SPEECH_CHARS_PER_CREDIT = 100;
export const EFFECT_CREDITS = 12;

export function taskPrice(kind: SimModelKind, input: Record<string, unknown>): number {
  if (kind === 'effect') return EFFECT_CREDITS;
  const text = typeof input.text === 'string' ? input.text : '';
  return Math.max(1, Math.ceil(text.length / SPEECH_CHARS_PER_CREDIT));
}
