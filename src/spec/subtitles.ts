/**
 * The `subtitles` key: which subtitle files a voice line gets beside its audio (`[srt, vtt]`),
 * set on the asset or in voice defaults like a parameter, but never sent to the API and not in
 * the spec hash — subtitles are derived from the timing data, so adding one costs no generation.
 * Subtitles need the timing data of `timestamps: true`, which is sent and hashed: a line that asks
 * for subtitles without it is an error that says so, rather than a silent regeneration of every
 * line (turning timestamps on is the user's decision to pay for each line once more).
 */
import { SUBTITLE_FORMATS, type SubtitleFormat } from '../timings/formats.js';
import { type Layer, type Origin, pickField, UNKNOWN } from './defaults-chain.js';

/** What the chain says about subtitles, and the problem to report when it asks for them without timing data. */
export interface PickedSubtitles {
  /** undefined or empty: none */
  formats?: readonly SubtitleFormat[];
  /** the value asks for subtitles but the line does not ask for timestamps */
  problem?: { origin: Origin; message: string };
}

/** `subtitles` from the chain (asset > … > config defaults), in the order srt, vtt, without repeats. */
export function pickSubtitles(layers: readonly Layer[], input: Readonly<Record<string, unknown>>): PickedSubtitles {
  const hit = pickField(layers, 'subtitles');
  if (hit === undefined || hit === UNKNOWN || !Array.isArray(hit.value)) return {};
  const asked = new Set<unknown>(hit.value);
  const formats = SUBTITLE_FORMATS.filter((f) => asked.has(f));
  if (formats.length === 0) return {};
  if (input.timestamps === true) return { formats };
  const found = input.timestamps === false ? 'timestamps is false' : 'timestamps is not set';
  return {
    problem: {
      origin: hit.origin,
      message:
        `subtitles are made from the timing data of \`timestamps: true\`, and ${found} for this line; ` +
        'set `timestamps: true` beside `subtitles` (it is sent to the API, so each line is generated once more), or remove `subtitles`',
    },
  };
}
