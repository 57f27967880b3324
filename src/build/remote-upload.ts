/**
 * After a generation: what was paid for goes to the team cache — the raw take with its timing
 * data, and the output derived from it — while the build goes on with other assets. Uploads are
 * started from the build's `generated` events, bounded by the client's concurrency and timeouts,
 * and awaited once the build is done; Ctrl-C aborts them. A failed upload is counted and warned
 * about, never a failed build: the asset is installed and paid for either way.
 */
import type { BuildEvent } from '../events.js';
import type { RemoteCache } from '../remote/remote-cache.js';
import { RemoteCacheError } from '../remote/remote-error.js';
import type { ContentCache } from '../store/content-cache.js';
import { derivedKey } from '../store/derived-key.js';
import type { ProjectStore } from '../store/project-store.js';
import { linkedSignal } from './linked-signal.js';
import { uploadEntry } from './remote-entry.js';

export interface Uploader {
  /** Sees every build event; starts the uploads a `generated` event calls for. */
  observe(event: BuildEvent): void;
  /** Waits for every upload started; warns once when some failed. */
  finish(): Promise<void>;
}

export interface UploaderOptions {
  remote: RemoteCache;
  store: ProjectStore;
  /** spec hash of every output the build may generate, by `out` */
  specHashes: ReadonlyMap<string, string>;
  emit: (event: BuildEvent) => void;
  signal: AbortSignal | undefined;
}

export function createUploader(options: UploaderOptions): Uploader {
  const linked = linkedSignal(options.signal);
  const { signal } = linked;
  const started = new Set<string>();
  const running: Promise<void>[] = [];
  const failures: string[] = [];
  const upload = (cache: ContentCache, key: string, what: 'take' | 'derived', ref: { asset: string; out: string }) => {
    if (started.has(key)) return;
    started.add(key);
    running.push(
      uploadEntry(options.remote, cache, key, signal).then(
        (sent) => {
          if (sent) options.emit({ type: 'remote', ...ref, op: 'upload', what });
        },
        (error: unknown) => {
          if (signal.aborted) return;
          const message = error instanceof RemoteCacheError ? error.message : `could not upload: ${String(error)}`;
          failures.push(message);
          options.emit({ type: 'remote', ...ref, op: 'error', what, message });
        },
      ),
    );
  };
  return {
    observe(event) {
      if (event.type !== 'generated' || event.placeholder) return;
      const key = options.specHashes.get(event.out);
      if (key === undefined) return;
      const ref = { asset: event.asset, out: event.out };
      upload(options.store.cache, key, 'take', ref);
      // the lock entry is written before the event: a processed output names its raw take, chain and ffmpeg
      const post = options.store.lock.assets[event.out]?.post;
      if (post !== undefined) upload(options.store.derived, derivedKey(post.raw, post.chain, post.ffmpeg), 'derived', ref);
    },
    async finish() {
      await Promise.all(running);
      linked.release();
      if (failures.length === 0) return;
      const n = failures.length;
      options.emit({
        type: 'warning',
        code: 'W_REMOTE_CACHE',
        message: `${n} upload${n === 1 ? '' : 's'} to the team cache failed: ${failures[0]}; the build itself is fine (those entries stay only in the local cache)`,
      });
    },
  };
}
