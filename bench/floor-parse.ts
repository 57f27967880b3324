/**
 * The floor for a no-op build, as the benchmark's issue defines it: a Node process that only
 * finds, reads and YAML-parses the same spec files. (kieaudio reads every spec file too, but
 * parses only those whose text changed since the last build: see src/store/parse-cache.ts.)
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import fg from 'fast-glob';
import { parse } from 'yaml';

const [root = '.', pattern = 'audio/**/*.audio.yaml'] = process.argv.slice(2);
const files = await fg(pattern, { cwd: root });
let assets = 0;
await Promise.all(
  files.map(async (file) => {
    const doc = parse(await readFile(join(root, file), 'utf8')) as { assets?: unknown[] };
    assets += doc.assets?.length ?? 0;
  }),
);
process.stdout.write(`${assets}\n`);
