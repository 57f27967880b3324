/**
 * Projects whose up-to-date stamp is written (src/build/up-to-date-stamp.ts), for the stamp's
 * tests: offline builds through the library, and the no-op build's clock moved ahead of the files.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { vi } from 'vitest';
import { build } from '../../src/build/build.js';
import { replayUpToDate } from '../../src/build/up-to-date.js';
import { UP_TO_DATE_FILE } from '../../src/build/up-to-date-stamp.js';
import type { BuildEvent } from '../../src/events.js';
import { makeProject } from '../helpers/project.js';

export const CONFIG = 'version: 1\ninclude: ["audio/*.audio.yaml"]\noutDir: out\ndefaults:\n  voice: { voice: Rachel }\n';
export const MANIFEST = 'manifest: { json: out/manifest.json }\n';
export const SPEC =
  'assets:\n  - { id: a, kind: voice, text: "Alpha one.", out: a.mp3 }\n  - { id: b, kind: voice, text: "Bravo two.", out: b.mp3 }\n';

/**
 * The stamp is written only for files settled well before the build started (the racy window):
 * tests move the clock of a no-op build, not the files (whose ctime cannot be set back).
 */
export async function later<T>(seconds: number, fn: () => Promise<T>): Promise<T> {
  const now = Date.now();
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(now + seconds * 1000);
  try {
    return await fn();
  } finally {
    vi.useRealTimers();
  }
}

interface RunOptions {
  offline?: boolean;
  only?: string[];
  onEvent?: (event: BuildEvent) => void;
}

/** A build through the library (offline unless told), with what it said. */
export async function run(dir: string, options: RunOptions = {}) {
  const events: BuildEvent[] = [];
  const { onEvent, ...rest } = options;
  const result = await build({
    cwd: dir,
    env: {},
    offline: true,
    ...rest,
    onEvent: (e) => {
      events.push(e);
      onEvent?.(e);
    },
  });
  return { result, events };
}

/** What the CLI's build would say from the stamp (undefined summary: it does not hold). */
export async function replay(dir: string, options: { offline?: boolean; only?: string[]; env?: Record<string, string> } = {}) {
  const events: BuildEvent[] = [];
  const summary = await replayUpToDate({ cwd: dir, env: {}, offline: true, ...options, onEvent: (e) => events.push(e) });
  return { summary, events };
}

export const withoutDuration = (events: BuildEvent[]) => events.map((e) => (e.type === 'summary' ? { ...e, durationMs: 0 } : e));

/** A project built, then built again as a no-op later, so that its stamp is written (`files` may replace the config). */
export async function stamped(files: Record<string, string> = {}) {
  const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/lines.audio.yaml': SPEC, ...files });
  await run(dir);
  const noop = await later(5, () => run(dir));
  await stat(join(dir, '.kieaudio', UP_TO_DATE_FILE));
  return { dir, noop };
}
