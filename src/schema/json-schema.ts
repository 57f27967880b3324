/**
 * JSON Schemas generated from the same zod schemas the code uses, so the two cannot drift. The
 * config and spec schemas are for editors (the YAML language server shows the descriptions and
 * completes keys and enum values) and describe what users write (`io: 'input'`): fields with
 * defaults are optional. The events schema describes what `--json` prints (`io: 'output'`).
 */
import { z } from 'zod';
import { JSON_LINES_VERSION, JsonLineSchemas } from '../cli/json-lines.js';
import { ManifestSchema } from '../delivery/manifest-schema.js';
import { ConfigSchema, SpecFileSchema } from '../spec/schema.js';

const SCHEMA_BASE = 'https://unpkg.com/kieaudio/schemas/';

export const CONFIG_SCHEMA_FILE = 'kieaudio.config.schema.json';
export const SPEC_SCHEMA_FILE = 'kieaudio.spec.schema.json';
export const EVENTS_SCHEMA_FILE = 'kieaudio.events.schema.json';
export const MANIFEST_SCHEMA_FILE = 'kieaudio.manifest.schema.json';

export type JsonSchema = Record<string, unknown>;

export function configJsonSchema(): JsonSchema {
  return withHeader(z.toJSONSchema(ConfigSchema, { io: 'input', target: 'draft-2020-12' }), {
    $id: SCHEMA_BASE + CONFIG_SCHEMA_FILE,
    title: 'kieaudio config (kieaudio.config.yaml)',
  });
}

export function specJsonSchema(): JsonSchema {
  return withHeader(z.toJSONSchema(SpecFileSchema, { io: 'input', target: 'draft-2020-12' }), {
    $id: SCHEMA_BASE + SPEC_SCHEMA_FILE,
    title: 'kieaudio spec file (voice lines and sound effects)',
  });
}

/** The manifest's JSON file (the config's `manifest.json`), as builds write it. */
export function manifestJsonSchema(): JsonSchema {
  return withHeader(z.toJSONSchema(ManifestSchema, { io: 'output', target: 'draft-2020-12' }), {
    $id: SCHEMA_BASE + MANIFEST_SCHEMA_FILE,
    title: 'kieaudio manifest (manifest.json)',
  });
}

/**
 * One `--json` line: exactly one of the line types, told apart by `type`. Each type is a named
 * definition so the file reads as a reference.
 */
export function eventsJsonSchema(): JsonSchema {
  const defs: Record<string, JsonSchema> = {};
  for (const schema of JsonLineSchemas) {
    const { $schema: _, ...body } = z.toJSONSchema(schema, { io: 'output', target: 'draft-2020-12' });
    defs[schema.shape.type.value] = body;
  }
  return withHeader(
    {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      description: `One line of kieaudio --json output (format version ${JSON_LINES_VERSION}). Every line is one JSON object with "v" (the format version) and "type". Within a version, new types and new optional fields may be added: ignore what you do not know.`,
      oneOf: Object.keys(defs).map((type) => ({ $ref: `#/$defs/${type}` })),
      $defs: defs,
    },
    { $id: SCHEMA_BASE + EVENTS_SCHEMA_FILE, title: `kieaudio --json lines, v${JSON_LINES_VERSION}` },
  );
}

/** The identifying keys first, so the files read well from the top. */
function withHeader(schema: JsonSchema, header: { $id: string; title: string }): JsonSchema {
  const { $schema, ...rest } = schema;
  return { $schema, ...header, ...rest };
}

/** The exact text of a schema file: 2-space JSON with a trailing newline. */
export function schemaFileText(schema: JsonSchema): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}
