/**
 * Writes schemas/*.json from the zod schemas: `npm run build && npm run schemas`. A test fails
 * when the committed files are out of date.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CONFIG_SCHEMA_FILE,
  configJsonSchema,
  EVENTS_SCHEMA_FILE,
  eventsJsonSchema,
  MANIFEST_SCHEMA_FILE,
  manifestJsonSchema,
  SPEC_SCHEMA_FILE,
  schemaFileText,
  specJsonSchema,
} from './json-schema.js';

/** dist/schema/write-schemas.js → <package>/schemas */
const SCHEMAS_DIR = fileURLToPath(new URL('../../schemas/', import.meta.url));

export async function writeSchemas(dir = SCHEMAS_DIR): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const files: Array<[string, string]> = [
    [join(dir, CONFIG_SCHEMA_FILE), schemaFileText(configJsonSchema())],
    [join(dir, SPEC_SCHEMA_FILE), schemaFileText(specJsonSchema())],
    [join(dir, EVENTS_SCHEMA_FILE), schemaFileText(eventsJsonSchema())],
    [join(dir, MANIFEST_SCHEMA_FILE), schemaFileText(manifestJsonSchema())],
  ];
  await Promise.all(files.map(([path, text]) => writeFile(path, text)));
  return files.map(([path]) => path);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const path of await writeSchemas()) console.log(`wrote ${path}`);
}
