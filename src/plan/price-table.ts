/**
 * What a task is assumed to cost when the lock has no record of the model's real price: the table
 * docs/budgets.md documents, with where each number comes from. kie.ai publishes no price list in
 * its API (docs/kie-api.md §6): the only figure on its ElevenLabs pages is a callback example, 100
 * credits for a 127-character line of turbo 2.5. The table is meant to over-estimate — a first
 * build of a model is refused a little early rather than let through too cheaply — and is
 * replaced by what the lock records once one build of the model has been paid for (estimate.ts).
 */
import type { AssetKind } from '../project.js';

/** A model's assumed price: per character of text (speech), per second asked for, and per task. */
export interface Price {
  perCharacter?: number;
  perSecond?: number;
  perTask: number;
}

/** kie.ai's turbo 2.5 page: `consumeCredits: 100` for its 127-character example (docs/budgets.md). */
const TURBO_PER_CHARACTER = 0.8;

export const PRICE_TABLE: Readonly<Record<string, Price>> = {
  'elevenlabs/text-to-speech-turbo-2-5': { perCharacter: TURBO_PER_CHARACTER, perTask: 0 },
  // ElevenLabs bills its turbo models at half the character rate of the others (docs/budgets.md)
  'elevenlabs/text-to-speech-multilingual-v2': { perCharacter: 2 * TURBO_PER_CHARACTER, perTask: 0 },
  // no published figure: the example's 100 credits per task, and as much again per 5 s asked for
  'elevenlabs/sound-effect-v2': { perSecond: 20, perTask: 100 },
};

/** A model the table does not name: priced as the dearest known model of its kind. */
const UNKNOWN: Readonly<Record<AssetKind, Price>> = {
  voice: { perCharacter: 2 * TURBO_PER_CHARACTER, perTask: 0 },
  effect: { perSecond: 20, perTask: 100 },
};

export function tablePrice(model: string, kind: AssetKind): Price {
  return Object.hasOwn(PRICE_TABLE, model) ? (PRICE_TABLE[model] as Price) : UNKNOWN[kind];
}
