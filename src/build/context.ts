/**
 * What every step of a build works with, made once by `build()` and passed down as it is: the
 * project, its local state, where events go, and the guards on the folders it writes to. The
 * paid path adds the API to it (generate-all.ts); nothing else rebuilds it.
 */
import type { BuildEvent } from '../events.js';
import type { Project } from '../project.js';
import type { LockWriter } from '../store/lock-writer.js';
import type { OutFolders } from '../store/out-dir-guard.js';
import type { ProjectStore } from '../store/project-store.js';

export interface BuildContext {
  project: Project;
  store: ProjectStore;
  lockWriter: LockWriter;
  /** aborts the build: Ctrl-C, or a refused key */
  signal: AbortSignal;
  /** reports an event; the build's counts are kept from these (tally.ts) */
  emit: (event: BuildEvent) => void;
  /** results are --offline placeholders: never cached, marked in the lock */
  offline: boolean;
  /** output folders, checked (and made) before anything is installed in them */
  outFolders: OutFolders;
  /** the cache's shard folders, likewise */
  cacheFolders: OutFolders;
}
