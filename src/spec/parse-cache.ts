/**
 * What the YAML parser made of each spec file, keyed by a hash of the file's text. Parsing YAML
 * is most of the work of a no-op build; a file whose text has not changed since the last build is
 * only hashed, and its data read back from here as JSON, an order of magnitude cheaper. Validation
 * still runs on that data every time, so a kieaudio upgrade with new rules applies them at once.
 *
 * Only texts the parser read without an error or a warning are kept, and only data that JSON
 * carries exactly (no NaN, no Infinity, no -0): what comes back is what the parser would return.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { writeFileAtomic } from '../store/atomic-write.js';
import { sha256Hex } from '../store/sha256.js';
import { type ReusableParse, YAML_READ_SETTINGS } from './parse.js';

/** Bumped when what is kept per text changes. */
const CACHE_VERSION = 1;

/**
 * The cache holds only for the YAML parser and settings that made it: another version of the
 * `yaml` package (an `npm update`), of kieaudio, or other parse settings start it over.
 */
const STAMP = [
  CACHE_VERSION,
  (createRequire(import.meta.url)('yaml/package.json') as { version: string }).version,
  (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version,
  YAML_READ_SETTINGS,
].join(' ');

export const PARSE_CACHE_FILE = 'parse-cache.json';

interface CacheData {
  stamp: string;
  /** text hash → what its parse left to reuse */
  entries: Record<string, ReusableParse>;
}

export interface ParseCache {
  /** The key of `text`. */
  keyOf(text: string): string;
  /** What was kept for the text with this key, or undefined. */
  get(key: string): ReusableParse | undefined;
  /** Keeps `parse` for the text with this key, if JSON carries it exactly. */
  set(key: string, parse: ReusableParse): void;
  /** Writes the entries looked up or set since it was opened, if that differs from the file; then forgets them. */
  save(): Promise<void>;
}

export async function openParseCache(stateDir: string): Promise<ParseCache> {
  const path = join(stateDir, PARSE_CACHE_FILE);
  const stored = new Map<string, ReusableParse>();
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<CacheData>;
    if (parsed.stamp === STAMP && typeof parsed.entries === 'object' && parsed.entries !== null) {
      for (const [key, entry] of Object.entries(parsed.entries)) if (isReusableParse(entry)) stored.set(key, entry);
    }
  } catch {
    // missing or damaged: it only saves time; start over
  }
  // What this build used: entries of files that are gone (or changed) are not written back.
  const used = new Map<string, ReusableParse>();
  let added = false;

  return {
    keyOf: (text) => sha256Hex(text),

    get(key) {
      const entry = stored.get(key);
      if (entry !== undefined) used.set(key, entry);
      return entry;
    },

    set(key, parse) {
      if (!carriedByJson(parse)) return;
      used.set(key, parse);
      added = true;
    },

    async save() {
      try {
        if (!added && used.size === stored.size) return;
        const data: CacheData = { stamp: STAMP, entries: Object.fromEntries(used) };
        // Not fsynced: a cache lost to a power cut costs one slower build, nothing else.
        await writeFileAtomic(path, `${JSON.stringify(data)}\n`, { durable: false });
      } finally {
        // A cache serves one load and is saved once: what it held is on disk now, and a build
        // that goes on generating for an hour need not hold every spec file's parse (3 MB at
        // 10,000 assets). Afterwards it answers nothing and has nothing to save.
        stored.clear();
        used.clear();
        added = false;
      }
    },
  };
}

/** The shape the parser relies on; the data itself is validated like any parsed YAML. */
function isReusableParse(value: unknown): value is ReusableParse {
  if (typeof value !== 'object' || value === null || !('data' in value) || !('assets' in value)) return false;
  const positions = (list: unknown) =>
    Array.isArray(list) &&
    list.every((p) => Array.isArray(p) && p.length === 2 && p.every((n) => Number.isInteger(n) && (n as number) > 0));
  const lines = 'lines' in value ? value.lines : [];
  return positions(value.assets) && Array.isArray(lines) && lines.every(positions);
}

/** True when JSON.parse(JSON.stringify(value)) gives back an equal value. */
export function carriedByJson(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value) && !Object.is(value, -0);
  if (Array.isArray(value)) return value.every(carriedByJson);
  if (typeof value === 'object') {
    if (Object.getPrototypeOf(value) !== Object.prototype) return false;
    return Object.values(value).every(carriedByJson);
  }
  return false;
}
