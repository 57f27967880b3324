/**
 * Pure: validating a map field by field, for files that failed validation as a whole (content.ts).
 * A value that fails is kept as INVALID: it was written (so nothing is "missing"), but nothing may
 * be concluded from it. Unknown keys make the map incomplete: a misspelled `voice` is still meant
 * as a voice, so a field absent from it is unknown rather than unset.
 */
import type { z } from 'zod';
import { isRecord } from '../is-record.js';

/** A value that was written but failed validation; its problem has been reported where it is. */
export const INVALID: unique symbol = Symbol('invalid');
export type Invalid = typeof INVALID;

/** One map of fields, as far as it could be validated. */
export interface Values {
  /** valid values as parsed, INVALID for those that failed; an absent key is not set here */
  values: Readonly<Record<string, unknown>>;
  /**
   * The map may hide fields it does not show: it has unknown keys (a misspelled `voice` is still
   * meant as a voice) or is not a map at all. A field absent here is then unknown, not unset.
   */
  incomplete: boolean;
}

export type Shape = Readonly<Record<string, z.ZodType>>;

/** A map that may be absent (undefined), not a map, or a map with some bad fields. */
export function salvageMap(shape: Shape, raw: unknown, parentIncomplete: boolean): Values | undefined {
  if (raw == null) return parentIncomplete ? { values: {}, incomplete: true } : undefined;
  if (!isRecord(raw)) return { values: {}, incomplete: true };
  return salvageObject(shape, raw);
}

/** Each known field validated on its own; unknown keys make the map incomplete. */
export function salvageObject(shape: Shape, raw: Readonly<Record<string, unknown>>): Values {
  const values: Record<string, unknown> = {};
  let incomplete = false;
  for (const key of Object.keys(raw)) {
    const schema = Object.hasOwn(shape, key) ? shape[key] : undefined;
    if (schema === undefined) {
      incomplete = true;
      continue;
    }
    values[key] = salvageValue(schema, raw[key]);
  }
  return { values, incomplete };
}

/** The value as parsed, or INVALID. */
export function salvageValue<T>(schema: z.ZodType<T>, raw: unknown): T | Invalid {
  const result = schema.safeParse(raw);
  return result.success ? result.data : INVALID;
}

export function hasUnknownKeys(raw: Readonly<Record<string, unknown>>, shape: object): boolean {
  return Object.keys(raw).some((key) => !Object.hasOwn(shape, key));
}
