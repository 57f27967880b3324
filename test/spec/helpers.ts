/** Spec texts resolved without touching the disk, and compact renderings of diagnostics. */
import { expect } from 'vitest';
import { type Diagnostic, ValidationError } from '../../src/errors.js';
import { parseConfigText, parseSpecText } from '../../src/spec/parse.js';
import { type ResolveResult, resolveProject, type SpecSource } from '../../src/spec/resolve.js';
import type { TranslationTable } from '../../src/spec/translations.js';

/** `file:line:col CODE [asset] field`, the parts the tests pin down exactly. */
export function where(d: Diagnostic): string {
  return `${d.file}:${d.line}:${d.col} ${d.code}${d.asset === undefined ? '' : ` [${d.asset}]`}${d.field === undefined ? '' : ` ${d.field}`}`;
}

export async function expectValidationError(promise: Promise<unknown>): Promise<Diagnostic[]> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ValidationError);
  return error instanceof ValidationError ? error.diagnostics : [];
}

export const ROOT = '/project';

/**
 * Parses and resolves texts without touching the disk: config at /project, specs by relative
 * path. Files that fail validation take part with what can be salvaged from them, as in loadProject.
 */
export function resolveTexts(options: {
  config: string;
  specs?: Record<string, string>;
  env?: Record<string, string | undefined>;
  translations?: TranslationTable;
}): ResolveResult & { parseDiagnostics: Diagnostic[] } {
  const parsedConfig = parseConfigText(options.config, 'kieaudio.config.yaml');
  const parseDiagnostics = [...parsedConfig.diagnostics];
  const specs: SpecSource[] = [];
  for (const [display, text] of Object.entries(options.specs ?? {})) {
    const parsed = parseSpecText(text, display);
    parseDiagnostics.push(...parsed.diagnostics);
    if (parsed.content !== undefined) {
      specs.push({ path: `${ROOT}/${display}`, display, content: parsed.content, locate: parsed.locate });
    }
  }
  if (parsedConfig.content === undefined) {
    throw new Error(`config did not parse: ${parseDiagnostics.map((d) => d.message).join('; ')}`);
  }
  const result = resolveProject({
    configPath: `${ROOT}/kieaudio.config.yaml`,
    rootDir: ROOT,
    configDisplay: 'kieaudio.config.yaml',
    ...(parsedConfig.config === undefined ? {} : { config: parsedConfig.config }),
    configContent: parsedConfig.content,
    configLocate: parsedConfig.locate,
    env: options.env ?? {},
    specs,
    ...(options.translations === undefined ? {} : { translations: options.translations }),
  });
  return { ...result, parseDiagnostics };
}

export const MINIMAL_CONFIG = 'version: 1\ninclude: ["audio/**/*.yaml"]\ndefaults:\n  voice: { voice: Rachel }\n';
