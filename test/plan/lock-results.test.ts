import { describe, expect, it } from 'vitest';
import { KIE_RETENTION_MS, lockEntriesBySpec, lockTaskFor } from '../../src/plan/lock-results.js';
import type { LockEntry, LockFile } from '../../src/store/lock-file.js';

const API = 'https://api.kie.ai';
const NOW = Date.parse('2026-06-15T12:00:00.000Z');
const SPEC = 'a'.repeat(64);

function entry(extra: Partial<LockEntry> = {}): LockEntry {
  return { id: 'x', kind: 'voice', model: 'm', input: {}, specHash: SPEC, contentHash: 'b'.repeat(64), size: 1, ...extra };
}

function lockOf(assets: Record<string, LockEntry>): LockFile {
  return { version: 1, assets };
}

const ago = (ms: number) => new Date(NOW - ms).toISOString();

describe("the lock's task for a spec", () => {
  it('is recoverable on the same API within kie.ai retention, or when the entry does not say when it was made', () => {
    const status = (e: LockEntry) => lockTaskFor([{ out: 'a.mp3', entry: e }], 'a.mp3', { baseUrl: API, now: NOW })?.status;
    expect(status(entry({ taskId: 't', baseUrl: API, generatedAt: ago(KIE_RETENTION_MS - 60_000) }))).toBe('recoverable');
    expect(status(entry({ taskId: 't', baseUrl: API }))).toBe('recoverable');
    expect(status(entry({ taskId: 't', baseUrl: API, generatedAt: ago(KIE_RETENTION_MS + 60_000) }))).toBe('expired');
    expect(status(entry({ taskId: 't', baseUrl: 'http://127.0.0.1:9', generatedAt: ago(0) }))).toBe('other-api');
    expect(status(entry({ taskId: 't' }))).toBe('unknown-api');
    expect(status(entry())).toBeUndefined();
  });

  it('prefers a recoverable task, then the asset’s own entry', () => {
    const lock = lockOf({
      'old.mp3': entry({ taskId: 'expired', baseUrl: API, generatedAt: ago(KIE_RETENTION_MS * 2) }),
      'other.mp3': entry({ taskId: 'fine', baseUrl: API }),
      'a.mp3': entry({ taskId: 'own', baseUrl: API }),
      'p.mp3': entry({ taskId: 'placeholder', baseUrl: API, placeholder: true }),
    });
    const bySpec = lockEntriesBySpec(lock);
    expect(bySpec.get(SPEC)?.map((e) => e.out)).toEqual(['old.mp3', 'other.mp3', 'a.mp3']);
    expect(lockTaskFor(bySpec.get(SPEC), 'a.mp3', { baseUrl: API, now: NOW })?.taskId).toBe('own');
    expect(lockTaskFor(bySpec.get(SPEC), 'old.mp3', { baseUrl: API, now: NOW })?.taskId).toBe('fine');
  });
});
