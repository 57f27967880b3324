/**
 * What a downloaded result's first bytes say about it. The API's bytes are installed as they are
 * when they are the container the format needs; for WAV formats, bytes in no container are raw
 * samples (pcm_*, ulaw_8000, alaw_8000) to be wrapped in a WAV header. Anything else — an HTML
 * error page, a JSON envelope, the wrong container — is not a result. Pure.
 */
import type { AudioFormat } from './format.js';
import { sniffContainer } from './sniff.js';

export type ResultMode = 'as-is' | 'raw-samples';

/** The mode for these first bytes, or what was found instead (for the error message). */
export function resultMode(
  head: Uint8Array,
  format: AudioFormat,
  contentType: string | undefined,
): { mode: ResultMode } | { found: string } {
  const sniffed = sniffContainer(head);
  if (format.container === 'wav') {
    if (sniffed === 'wav') return { mode: 'as-is' };
    // anything else must be raw samples, and an error page is not
    if (sniffed === undefined && !looksLikeText(head, contentType)) return { mode: 'raw-samples' };
  } else if (sniffed === format.container) {
    return { mode: 'as-is' };
  }
  return { found: sniffed ?? (looksLikeText(head, contentType) ? `text (${contentType ?? 'no content type'})` : 'unknown bytes') };
}

/** An HTML error page or a JSON error envelope where audio was expected. */
function looksLikeText(head: Uint8Array, contentType: string | undefined): boolean {
  if (contentType && /^text\/|json|html|xml/i.test(contentType)) return true;
  const text = Buffer.from(head)
    .toString('latin1')
    .replace(/^\uFEFF|^\xEF\xBB\xBF/, '')
    .trimStart();
  return /^<[!?a-zA-Z]/.test(text) || /^\{\s*["}]/.test(text) || /^\[\s*[{"\]]/.test(text);
}
