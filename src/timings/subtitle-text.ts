/**
 * Cues written as SubRip (.srt) or WebVTT (.vtt) text, by the `subtitle` library rather than by
 * hand, so that the files are what players and engines parse.
 */
import { type NodeList, stringifySync } from 'subtitle';
import type { Cue } from './cues.js';

export type SubtitleFormat = 'srt' | 'vtt';

export const SUBTITLE_FORMATS: readonly SubtitleFormat[] = ['srt', 'vtt'];

export function subtitleText(cues: readonly Cue[], format: SubtitleFormat): string {
  const nodes: NodeList = cues.map((cue) => ({
    type: 'cue',
    data: { start: Math.round(cue.start * 1000), end: Math.round(cue.end * 1000), text: cue.text },
  }));
  return stringifySync(nodes, { format: format === 'srt' ? 'SRT' : 'WebVTT' });
}
