/** Real temp-dir projects for the spec tests, and compact renderings of diagnostics. */
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, expect } from 'vitest';
import { ValidationError, type Diagnostic } from '../../src/errors.js';
import { parseConfigText, parseSpecText } from '../../src/spec/parse.js';
import { resolveProject, type ResolveResult, type SpecSource } from '../../src/spec/resolve.js';

const created: string[] = [];

afterEach(async () => {
  await Promise.all(created.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/**
 * Writes `files` (path → text, folders created as needed) into a fresh temp folder, removed
 * after the test. The folder is realpath'd so symlinked temp roots (macOS /var) do not matter.
 */
export async function makeProject(files: Record<string, string>): Promise<string> {
  const root = await realpath(await mkdtemp(join(tmpdir(), 'kieaudio-spec-')));
  created.push(root);
  await writeFiles(root, files);
  return root;
}

export async function writeFiles(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, text] of Object.entries(files)) {
    const full = join(root, path);
    await mkdir(dirname(full), { recursive: true });
    await writeFile(full, text);
  }
}

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
  });
  return { ...result, parseDiagnostics };
}

export const MINIMAL_CONFIG = 'version: 1\ninclude: ["audio/**/*.yaml"]\ndefaults:\n  voice: { voice: Rachel }\n';
