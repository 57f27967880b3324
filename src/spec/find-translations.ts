/** Finding the translations tables: globbing only, so the no-op fast path can check the set without loading tables. */
import { sep } from 'node:path';
import fg from 'fast-glob';

/** The translations tables `localization.translations` matches (globs relative to the config folder), absolute and sorted. */
export async function findTranslationsFiles(rootDir: string, globs: readonly string[]): Promise<string[]> {
  if (globs.length === 0) return [];
  const found = await fg([...globs], {
    cwd: rootDir,
    absolute: true,
    onlyFiles: true,
    dot: false,
    unique: true,
    ignore: ['**/node_modules/**'],
  });
  return found.map((file) => (sep === '/' ? file : file.split('/').join(sep))).sort();
}
