/**
 * The keys a strict map accepts at a given place in the document, read from the zod schema
 * itself, so "did you mean" hints for unknown keys can never drift from what is really allowed.
 */
import { z } from 'zod';
import { isRecord } from '../is-record.js';
import { valueAt } from './label.js';

type Schema = z.core.$ZodType;

export function knownKeysAt(schema: Schema, data: unknown, path: readonly (string | number)[]): string[] {
  let current: Schema | undefined = schema;
  for (const [i, segment] of path.entries()) {
    const object = objectOf(current, valueAt(data, path.slice(0, i)));
    if (object !== undefined) {
      current = object.shape[String(segment)];
    } else {
      const inner = unwrap(current);
      current = inner instanceof z.ZodArray ? inner.element : undefined;
    }
    if (current === undefined) return [];
  }
  return Object.keys(objectOf(current, valueAt(data, path))?.shape ?? {});
}

/** The object schema at this place; for the asset union, the option whose `kind` matches the data; for a word-or-map union, the map. */
function objectOf(schema: Schema | undefined, value: unknown): z.ZodObject | undefined {
  const inner = unwrap(schema);
  if (inner instanceof z.ZodObject) return inner;
  // `none` or a chain (post-schema.ts): a map is the map option
  if (inner instanceof z.ZodUnion && !(inner instanceof z.ZodDiscriminatedUnion) && isRecord(value)) {
    return inner.options.map(unwrap).find((option): option is z.ZodObject => option instanceof z.ZodObject);
  }
  if (inner instanceof z.ZodDiscriminatedUnion && isRecord(value)) {
    for (const option of inner.options) {
      if (!(option instanceof z.ZodObject)) continue;
      const kind = option.shape.kind;
      if (kind instanceof z.ZodLiteral && kind.value === value.kind) return option;
    }
  }
  return undefined;
}

/** Looks through optional, nullable, default and transform wrappers to the schema that has a shape. */
function unwrap(schema: Schema | undefined): Schema | undefined {
  let current = schema;
  for (;;) {
    if (
      current instanceof z.ZodOptional ||
      current instanceof z.ZodNullable ||
      current instanceof z.ZodDefault ||
      current instanceof z.ZodPrefault
    ) {
      current = current.unwrap();
    } else if (current instanceof z.ZodPipe) {
      current = current.in;
    } else {
      return current;
    }
  }
}
