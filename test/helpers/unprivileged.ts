/**
 * The CLI as a user that file permissions apply to. A test that makes a folder read-only needs
 * one: root (the tests run as root in containers) writes through any chmod. Run as root, the CLI
 * runs as `nobody` through setpriv (util-linux); run as anyone else, as that user. Where neither
 * works, the tests that need it say so and are skipped.
 */
import { spawnSync } from 'node:child_process';
import { chmod, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { BIN } from './repo.js';
import type { OnFinished } from './temp-dir.js';

/** uid and gid of `nobody` on Linux */
const NOBODY = '65534';

/** The command prefix that runs the CLI unprivileged, or why there is none. */
export const unprivileged: { prefix: string[] } | { unavailable: string } = findPrefix();

function findPrefix(): { prefix: string[] } | { unavailable: string } {
  if (process.getuid?.() !== 0) return { prefix: [] };
  const prefix = ['setpriv', `--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups'];
  // nobody must be able to run node and read the built CLI (node under /root would not do)
  const probe = spawnSync(prefix[0] ?? '', [...prefix.slice(1), process.execPath, BIN, '--version'], { encoding: 'utf8' });
  if (probe.status === 0) return { prefix };
  return {
    unavailable: `running as root, and "setpriv --reuid=nobody node dist/bin.cjs" failed (${probe.error?.message ?? probe.stderr.trim()})`,
  };
}

/** Makes `dir` and every folder under it writable by anyone, so the unprivileged CLI can build there. */
export async function openUp(dir: string): Promise<void> {
  await chmod(dir, 0o777);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) await openUp(join(dir, entry.name));
    else await chmod(join(dir, entry.name), 0o666);
  }
}

/** Makes `dir` read-only (r-x) for the test; writable again when it ends, so it can be removed. */
export async function readOnly(dir: string, onFinished: OnFinished): Promise<void> {
  await chmod(dir, 0o555);
  onFinished(() => chmod(dir, 0o777).catch(() => undefined));
}
