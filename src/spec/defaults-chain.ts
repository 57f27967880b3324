/**
 * The defaults chain as data: the levels an asset inherits from (asset > the file's defaults >
 * the config's defaults) and the lookup that finds the level setting a field, and where it was
 * written. A level that failed validation makes a field unknown rather than unset, so a broken
 * default is never silently replaced by one further down the chain.
 */
import { INVALID } from './content.js';
import type { DocPath, Locate } from './position.js';

/** One level of the defaults chain, and where it was written. */
export interface Layer {
  values: Readonly<Record<string, unknown>> | null | undefined;
  file: string;
  locate: Locate;
  /** path of `values` in its document */
  path: DocPath;
  /** how fields of this level are named in messages: "" for the asset, "defaults.voice." */
  fieldPrefix: string;
  /** the level may hide fields (see content.ts): a field absent here is unknown, not unset */
  incomplete?: boolean;
}

/** Where a value of the chain came from: a layer, or the config's fallback model. */
export interface Origin {
  file: string;
  locate: Locate;
  path: DocPath;
  field: string;
  /** true when written on the asset itself (reported per asset, not once per location) */
  own: boolean;
}

/** A field whose value cannot be known: it, or a level it falls through to, failed validation. */
export const UNKNOWN: unique symbol = Symbol('unknown');

/** A value found on the chain, and where it was written. */
export interface Picked {
  value: unknown;
  origin: Origin;
}

/** The first level that sets `name`, or UNKNOWN when a level it falls through to failed validation. */
export function pickField(layers: readonly Layer[], name: string): Picked | typeof UNKNOWN | undefined {
  for (const layer of layers) {
    const value = layer.values?.[name];
    if (value !== undefined && value !== null) {
      if (value === INVALID) return UNKNOWN;
      return {
        value,
        origin: {
          file: layer.file,
          locate: layer.locate,
          path: [...layer.path, name],
          field: layer.fieldPrefix + name,
          own: layer === layers[0],
        },
      };
    }
    if (layer.incomplete === true) return UNKNOWN;
  }
  return undefined;
}
