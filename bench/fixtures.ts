/**
 * Projects for the benchmarks, written straight to disk: specs, outputs, lock and cache as a
 * finished build would leave them, without paying the simulator for thousands of generations.
 */
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { specHash } from '../src/spec/hash.js';
import { loadProject } from '../src/spec/load.js';
import { createContentCache } from '../src/store/content-cache.js';
import { type LockFile, serializeLockFile } from '../src/store/lock-file.js';
import { sha256Hex } from '../src/store/sha256.js';

export const ASSETS_PER_FILE = 100;

export interface FixtureOptions {
  assets: number;
  /** bytes of each output file */
  outputBytes?: number;
  /** also fill the cache with every result */
  cache?: boolean;
  /** write outputs and lock (an up-to-date project); otherwise only the specs */
  built?: boolean;
  config?: string;
  /** declare the assets in one string table (audio/lines.csv) instead of YAML spec files: the same assets */
  strings?: boolean;
}

/** The projects' config file, unless a benchmark gives its own. */
export const FIXTURE_CONFIG = `version: 1
include: ["audio/**/*.audio.yaml"]
outDir: assets
defaults:
  voice: { voice: Rachel, stability: 0.5 }
`;

/** The config of a project whose assets are in a string table. */
export const STRINGS_CONFIG = FIXTURE_CONFIG.replace('audio/**/*.audio.yaml', 'audio/**/*.csv');

/** One string table of `count` voice lines: the same assets as the spec files' (their defaults' speed in a column). */
function stringTable(count: number): string {
  const rows = ['id,out,text,speed'];
  for (let i = 0; i < count; i++) {
    rows.push(
      `line.${i},voice/chapter${Math.floor(i / 1000)}/line-${i}.mp3,"Line number ${i}: the caravan leaves at dawn, so sleep well and keep your sword close.",1.05`,
    );
  }
  return `${rows.join('\n')}\n`;
}

/** A spec file of `count` voice lines, numbered from `first`. */
function specFile(first: number, count: number): string {
  const lines = ['defaults:', '  voice: { speed: 1.05 }', 'assets:'];
  for (let i = first; i < first + count; i++) {
    lines.push(
      `  - id: line.${i}`,
      '    kind: voice',
      `    text: "Line number ${i}: the caravan leaves at dawn, so sleep well and keep your sword close."`,
      `    out: voice/chapter${Math.floor(i / 1000)}/line-${i}.mp3`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export async function writeFixture(dir: string, options: FixtureOptions): Promise<void> {
  await mkdir(join(dir, 'audio'), { recursive: true });
  await writeFile(join(dir, 'kieaudio.config.yaml'), options.config ?? (options.strings ? STRINGS_CONFIG : FIXTURE_CONFIG));
  if (options.strings) await writeFile(join(dir, 'audio', 'lines.csv'), stringTable(options.assets));
  for (let first = 0; first < (options.strings ? 0 : options.assets); first += ASSETS_PER_FILE) {
    const count = Math.min(ASSETS_PER_FILE, options.assets - first);
    await writeFile(join(dir, 'audio', `part-${String(first / ASSETS_PER_FILE).padStart(4, '0')}.audio.yaml`), specFile(first, count));
  }
  if (!options.built && !options.cache) return;

  const project = await loadProject({ cwd: dir, env: {} });
  const lock: LockFile = { version: 1, assets: {} };
  const cache = createContentCache(project.config.cacheDir);
  const size = options.outputBytes ?? 2048;
  const past = new Date(Date.now() - 3_600_000);
  const made = new Set<string>();
  for (const asset of project.assets) {
    const hash = specHash(asset.model, asset.input);
    // an MP3-looking body, unique per asset
    const body = Buffer.alloc(size, asset.id.length);
    body.write('ID3', 0, 'ascii');
    body.write(asset.id, 10, 'utf8');
    const contentHash = sha256Hex(body);
    lock.assets[asset.out] = {
      id: asset.id,
      kind: asset.kind,
      model: asset.model,
      input: asset.input,
      specHash: hash,
      contentHash,
      size,
    };
    if (options.built) {
      const path = join(project.config.outDir, asset.out);
      const folder = join(path, '..');
      if (!made.has(folder)) {
        await mkdir(folder, { recursive: true });
        made.add(folder);
      }
      await writeFile(path, body);
      // old enough that the stat index trusts it from the second build on
      await utimes(path, past, past);
    }
    if (options.cache) {
      await mkdir(join(cache.dataPath(hash), '..'), { recursive: true });
      await writeFile(cache.dataPath(hash), body);
      // as a cache filled by earlier builds: old enough for its stat data to vouch for it
      await utimes(cache.dataPath(hash), past, past);
      await cache.commit(hash, { contentHash, size, model: asset.model });
    }
  }
  await writeFile(join(dir, 'kieaudio.lock'), serializeLockFile(lock));
}
