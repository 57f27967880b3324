/**
 * The subtitle formats kieaudio writes. Apart from the writer (subtitle-text.ts), which loads the
 * `subtitle` library: validation and planning name the formats on every command, and a build that
 * writes no subtitle file should not pay for loading it.
 */
export type SubtitleFormat = 'srt' | 'vtt';

export const SUBTITLE_FORMATS: readonly SubtitleFormat[] = ['srt', 'vtt'];
