/**
 * What a simulated task produces: its format and length follow the request, and the take id is
 * the generator's tag so that every take of the same spec differs byte-wise.
 */
import { type AudioFormat, DEFAULT_EFFECT_OUTPUT_FORMAT, describeOutputFormat, SPEECH_FORMAT } from '../audio/format.js';
import { generateAudio } from '../audio/generate.js';
import { placeholderEffectSeconds, placeholderSpeechSeconds } from '../audio/placeholder-length.js';
import type { SimModelKind } from './models.js';

export interface ResultAudio {
  format: AudioFormat;
  durationSeconds: number;
  contentType: string;
  /** file extension for the result URL, without the dot */
  extension: string;
}

export function planResultAudio(kind: SimModelKind, input: Record<string, unknown>): ResultAudio {
  if (kind === 'speech') {
    const text = typeof input.text === 'string' ? input.text : '';
    // as long as --offline's audible placeholders (audio/placeholder-length.ts)
    return { format: SPEECH_FORMAT, durationSeconds: placeholderSpeechSeconds(text), contentType: 'audio/mpeg', extension: 'mp3' };
  }
  const requested = input.output_format;
  const format = describeOutputFormat(typeof requested === 'string' ? requested : DEFAULT_EFFECT_OUTPUT_FORMAT);
  return { format, durationSeconds: placeholderEffectSeconds(input.duration_seconds), ...servedAs(format) };
}

/** Raw samples are served bare, as ElevenLabs returns them; the client adds the WAV header. */
export function renderResultAudio(plan: ResultAudio, takeId: string): Buffer {
  return generateAudio(plan.format, plan.durationSeconds, takeId);
}

function servedAs(format: AudioFormat): { contentType: string; extension: string } {
  switch (format.encoding) {
    case 'mp3':
      return { contentType: 'audio/mpeg', extension: 'mp3' };
    case 'opus':
      return { contentType: 'audio/ogg', extension: 'ogg' };
    case 'pcm_s16le':
      return { contentType: 'application/octet-stream', extension: 'pcm' };
    case 'mulaw':
      return { contentType: 'application/octet-stream', extension: 'ulaw' };
    case 'alaw':
      return { contentType: 'application/octet-stream', extension: 'alaw' };
  }
}
