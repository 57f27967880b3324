/**
 * The resolved project as the last full load left it, trusted while its head holds (snapshot-head.ts):
 * the stat data of every file it came from, and the sets `include` and the translations tables find —
 * as git's index and ninja's deps log decide from stat data alone. A no-op build then reads no spec
 * file, validates nothing and hashes no spec.
 */
import { readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Project } from '../project.js';
import { writeFileAtomic } from '../store/atomic-write.js';
import { CONFIG_FILE_NAME } from './find-config.js';
import { primeSpecHash, specHashOf } from './hash.js';
import {
  type FileStamp,
  HEAD_VERSION,
  headHolds,
  keyOf,
  type SnapshotHead,
  type SnapshotKey,
  stampOf,
  stateFile,
} from './snapshot-head.js';

export type { SnapshotHead, SnapshotKey } from './snapshot-head.js';

export const SNAPSHOT_FILE = 'project-snapshot.json';

interface SnapshotData {
  head: SnapshotHead;
  project: Project;
  /** each asset's spec hash, in `project.assets` order */
  hashes: string[];
}

/** A project recalled from its snapshot, and the head it held by. */
export interface Recalled {
  project: Project;
  head: SnapshotHead;
}

/** The project, if the snapshot still holds for every input; undefined means "load it". */
export async function projectFromSnapshot(who: SnapshotKey): Promise<Recalled | undefined> {
  let data: SnapshotData;
  try {
    data = JSON.parse(await readFile(stateFile(who, SNAPSHOT_FILE), 'utf8')) as SnapshotData;
  } catch {
    return undefined;
  }
  if (data.head?.v !== HEAD_VERSION || !(await headHolds(data.head, who))) return undefined;
  const { project } = data;
  for (const [i, asset] of project.assets.entries()) primeSpecHash(asset, data.hashes[i]);
  return { project, head: data.head };
}

/**
 * A snapshot of a project just loaded, to be written by a command that writes (`save`). `read`
 * holds the sha256 of each file's text as loading read it: a file changed since is not taken as
 * what the project was resolved from, and the snapshot is not written (`save` gives undefined).
 */
export function takeSnapshot(who: SnapshotKey, project: Project, read: ReadonlyMap<string, string>, unmatched: number[]) {
  // what loading found: the command adds its own warnings later (the .env's), which are not the project's
  const warnings = project.warnings.length;
  return {
    async save(): Promise<SnapshotHead | undefined> {
      const head = headOf(who, project, read, unmatched);
      if (head === undefined) return undefined;
      // serialized only now, not held through the build: at 10,000 assets it is 6 MB of text
      const json = JSON.stringify({
        project: { ...project, warnings: project.warnings.slice(0, warnings) },
        hashes: project.assets.map(specHashOf),
      });
      await writeFileAtomic(stateFile(who, SNAPSHOT_FILE), `{"head":${JSON.stringify(head)},${json.slice(1)}`, { durable: false });
      return head;
    },
  };
}

function headOf(who: SnapshotKey, project: Project, read: ReadonlyMap<string, string>, unmatched: number[]): SnapshotHead | undefined {
  // before any stat: a file changed within RACY_MS of it is checked by content later
  const takenAt = Date.now();
  const inputs: FileStamp[] = [];
  const translationFiles = project.strings?.translationFiles ?? [];
  for (const path of [who.configPath, ...project.specFiles, ...translationFiles]) {
    const stamp = stampOf(path, read.get(path));
    if (stamp === undefined) return undefined;
    inputs.push(stamp);
  }
  const { config } = project;
  return {
    v: HEAD_VERSION,
    key: keyOf(who),
    takenAt,
    inputs,
    discovery: {
      rootDir: config.rootDir,
      include: config.include,
      ignoreDirs: [config.cacheDir, config.stateDir],
      excludeFiles: [config.configPath],
      configFileName: CONFIG_FILE_NAME,
      files: project.specFiles,
      unmatched,
    },
    translations: { rootDir: config.rootDir, globs: config.localization.translations, files: translationFiles },
    outputs: {
      outDir: config.outDir,
      folders: [...new Set([...project.assets, ...(project.scenes ?? [])].map((file) => dirname(file.out)))],
    },
  };
}
