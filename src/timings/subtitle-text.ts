/**
 * Cues written as SubRip (.srt) or WebVTT (.vtt) text, by the `subtitle` library rather than by
 * hand, so that the files are what players and engines parse. Loaded only when a subtitle file
 * is written (build/sidecars.ts).
 */
import { type NodeList, stringifySync } from 'subtitle';
import type { Cue } from './cues.js';
import type { SubtitleFormat } from './formats.js';

export function subtitleText(cues: readonly Cue[], format: SubtitleFormat): string {
  const nodes: NodeList = cues.map((cue) => ({
    type: 'cue',
    data: { start: Math.round(cue.start * 1000), end: Math.round(cue.end * 1000), text: cueText(cue.text, format) },
  }));
  return stringifySync(nodes, { format: format === 'srt' ? 'SRT' : 'WebVTT' });
}

/**
 * The library writes cue text as given. WebVTT reads `&`, `<` and `>` as markup (a line with
 * "<A>" would lose it, "-->" would end the cue), so they are written as character references;
 * SubRip has no escapes, and players read its "<i>" as markup too, so there only the timing
 * arrow is broken up.
 */
function cueText(text: string, format: SubtitleFormat): string {
  if (format === 'srt') return text.replaceAll('-->', '->');
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}
