/**
 * JSON Schemas for editors (the YAML language server shows the descriptions and completes keys
 * and enum values), generated from the same zod schemas that validate, so the two cannot drift.
 * They describe what users write (`io: 'input'`): fields with defaults are optional.
 */
import { z } from 'zod';
import { ConfigSchema, SpecFileSchema } from '../spec/schema.js';

const SCHEMA_BASE = 'https://unpkg.com/kieaudio/schemas/';

export const CONFIG_SCHEMA_FILE = 'kieaudio.config.schema.json';
export const SPEC_SCHEMA_FILE = 'kieaudio.spec.schema.json';

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

/** The identifying keys first, so the files read well from the top. */
function withHeader(schema: JsonSchema, header: { $id: string; title: string }): JsonSchema {
  const { $schema, ...rest } = schema;
  return { $schema, ...header, ...rest };
}

/** The exact text of a schema file: 2-space JSON with a trailing newline. */
export function schemaFileText(schema: JsonSchema): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}
