/**
 * Local state, not the lock: how long each model's tasks took in earlier builds, so that a build
 * polls near the likely finish from its first task (kie/poll-plan.ts). It is a hint: a missing
 * or damaged file means "nothing known yet", and a failed write costs only that hint.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isRecord } from '../is-record.js';
import { writeFileAtomic } from './atomic-write.js';

export const LATENCY_HISTORY_FILE = 'latency.json';

/** Finished-task durations in ms per model, oldest first. */
export type LatencyHistory = Record<string, number[]>;

export async function readLatencyHistory(stateDir: string): Promise<LatencyHistory> {
  let text: string;
  try {
    text = await readFile(join(stateDir, LATENCY_HISTORY_FILE), 'utf8');
  } catch {
    return {};
  }
  try {
    const doc: unknown = JSON.parse(text);
    if (!isRecord(doc) || doc.v !== 1 || !isRecord(doc.models)) return {};
    const history: LatencyHistory = {};
    for (const [model, samples] of Object.entries(doc.models)) {
      if (Array.isArray(samples)) history[model] = samples.filter((ms): ms is number => typeof ms === 'number');
    }
    return history;
  } catch {
    return {};
  }
}

export async function writeLatencyHistory(stateDir: string, history: LatencyHistory): Promise<void> {
  const models = Object.fromEntries(
    Object.keys(history)
      .sort()
      .map((model) => [model, history[model]]),
  );
  try {
    await writeFileAtomic(join(stateDir, LATENCY_HISTORY_FILE), `${JSON.stringify({ v: 1, models })}\n`, { durable: false });
  } catch {
    // only a hint for the next build's polling is lost
  }
}
