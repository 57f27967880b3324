/**
 * Pure: the cast as a level of the defaults chain. `speaker: NAME` on a voice asset puts that
 * cast entry's parameters between the file's defaults and the asset (or its scene); a spec file's
 * entry replaces the config's entry of the same name, whole. An unknown speaker is an error with
 * a "did you mean", and hides the checks that need the entry it meant.
 */
import type { Diagnostic } from '../errors.js';
import type { Layer } from './defaults-chain.js';
import type { CastContent } from './dialogue-content.js';
import type { Locate } from './position.js';
import { INVALID } from './salvage.js';
import { didYouMean, suggest } from './suggest.js';

/** The speakers an asset may name: its file's cast over the config's. */
export interface CastScope {
  entries: ReadonlyMap<string, Layer>;
  /** some level's cast failed validation: a name missing from it may be one it hides */
  incomplete: boolean;
}

/** One file's `cast`, and where it is. */
export interface CastLevel {
  content: CastContent;
  file: string;
  locate: Locate;
}

/** The cast an asset sees; later levels win, entry by entry. */
export function createCastScope(levels: readonly CastLevel[]): CastScope {
  const entries = new Map<string, Layer>();
  let incomplete = false;
  for (const { content, file, locate } of levels) {
    incomplete ||= content.incomplete;
    for (const [name, entry] of Object.entries(content.entries)) {
      entries.set(name, {
        values: entry.values,
        incomplete: entry.incomplete,
        file,
        locate,
        path: ['cast', name],
        fieldPrefix: `cast.${name}.`,
      });
    }
  }
  return { entries, incomplete };
}

/** What `speaker` adds to an asset's chain. `blocked`: the asset must not resolve (the problem is reported). */
export interface SpeakerLevel {
  layer?: Layer;
  blocked: boolean;
}

/** The level `own.values.speaker` names; an unknown name is reported at the value, with a "did you mean". */
export function speakerLevel(
  own: Layer,
  cast: CastScope,
  label: string,
  report: (diagnostic: Diagnostic, own: boolean) => void,
): SpeakerLevel {
  const name = own.values?.speaker;
  if (name === undefined || name === null) return { blocked: false };
  const hidden: Layer = { ...own, values: {}, incomplete: true };
  // an invalid name was reported by validation; nothing below it can be known
  if (name === INVALID || typeof name !== 'string') return { layer: hidden, blocked: false };
  const layer = cast.entries.get(name);
  if (layer !== undefined) return { layer, blocked: false };
  if (!cast.incomplete) report(unknownSpeaker(own, name, [...cast.entries.keys()], label), true);
  return { layer: hidden, blocked: true };
}

function unknownSpeaker(own: Layer, name: string, names: readonly string[], label: string): Diagnostic {
  const message =
    names.length === 0
      ? `no cast entry is named ${JSON.stringify(name)}: there is no cast (add one under \`cast:\` in the config or this file)`
      : `expected a name from cast (${[...names].sort().join(', ')}), found ${JSON.stringify(name)}${didYouMean(suggest(name, names))}`;
  return {
    file: own.file,
    ...own.locate([...own.path, 'speaker']),
    severity: 'error',
    code: 'E_UNKNOWN_SPEAKER',
    asset: label,
    field: 'speaker',
    message: `speaker: ${message}`,
  };
}
