/** Where the repository is, from any test: its root and the built CLI (`npm run build` makes it). */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** test/helpers/ is two levels below the root. */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = join(REPO_ROOT, 'dist', 'bin.cjs');
