import { readFile } from 'node:fs/promises';

/** The package's version, read from its package.json (one level above dist/ and src/). */
export async function readVersion(): Promise<string> {
  const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}
