/**
 * A task's result from its URL to a file: fetched over HTTP (kie/download.ts), its first bytes
 * checked against the format the asset needs (audio/result-mode.ts), raw samples wrapped in a
 * WAV header, and installed all or nothing (store/stream-file.ts). A result that is not audio of
 * the right kind is an E_DOWNLOAD error and never lands at `dest`.
 */
import type { AudioFormat } from '../audio/format.js';
import { resultMode } from '../audio/result-mode.js';
import { SNIFF_BYTES } from '../audio/sniff.js';
import { WAV_HEADER_BYTES, wavHeader } from '../audio/wav.js';
import type { KieClient } from '../kie/client.js';
import { downloadError, openResult } from '../kie/download.js';
import { type StreamedFile, writeStreamAtomic } from '../store/stream-file.js';

export interface DownloadOptions {
  /** used for the download-url fallback */
  client: KieClient;
  /** the result URL (resultUrls[0]) */
  url: string;
  /** absolute path of the final file */
  dest: string;
  /** what the bytes must be */
  format: AudioFormat;
  /** default 200 MiB */
  maxBytes?: number;
  signal?: AbortSignal;
  /** idle timeout for headers and for each gap in the body; default 30 000 */
  requestTimeoutMs?: number;
}

export async function downloadResult(opts: DownloadOptions): Promise<StreamedFile> {
  const { format, signal } = opts;
  const res = await openResult(opts);
  return writeStreamAtomic(opts.dest, res.body, {
    headBytes: SNIFF_BYTES,
    signal,
    start(head) {
      const verdict = resultMode(head, format, res.contentType);
      if ('found' in verdict) {
        throw downloadError(`result is not ${format.name}: found ${verdict.found}`, {
          // a refetch (or a regeneration) may well return the right thing
          retryable: true,
          details: { url: res.url, expected: format.container, found: verdict.found, contentType: res.contentType },
        });
      }
      // raw samples get a header, written once the data length is known
      return verdict.mode === 'raw-samples' ? WAV_HEADER_BYTES : 0;
    },
    header(dataBytes) {
      const blockAlign = format.encoding === 'pcm_s16le' ? 2 : 1;
      if (dataBytes % blockAlign !== 0) {
        throw downloadError(`raw ${format.name} data is ${dataBytes} bytes, not a whole number of samples`, {
          retryable: true,
          details: { url: res.url, received: dataBytes },
        });
      }
      return wavHeader(format, dataBytes);
    },
  });
}
