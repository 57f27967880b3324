/**
 * Pure: YAML text → validated config or spec, or every problem in it with its position. Nothing
 * here touches the file system; `file` is only the path shown to the user.
 */
import { LineCounter, parseDocument, visit, type Document } from 'yaml';
import type { z } from 'zod';
import type { Diagnostic } from '../errors.js';
import { sortDiagnostics } from './diagnostics.js';
import { issuesToDiagnostics, noMessage } from './issues.js';
import { isRecord } from './label.js';
import { createLocator, type Locate } from './position.js';
import { ConfigSchema, SpecFileSchema, type ConfigInput, type SpecFileInput } from './schema.js';

/** Aliases may expand to at most this many nodes: enough for sharing, far too few for a "billion laughs". */
export const MAX_ALIAS_COUNT = 100;

interface Parsed {
  diagnostics: Diagnostic[];
  /** maps a path in the data back to its line and column in the text */
  locate: Locate;
  /**
   * Present when some assets were invalid but the rest of the file was fine: the original index
   * of each asset kept in `assets`, so later checks still run on the good ones and name them by
   * their real position.
   */
  assetIndexes?: number[];
}

export interface ParsedConfig extends Parsed {
  config?: ConfigInput;
}

export interface ParsedSpec extends Parsed {
  spec?: SpecFileInput;
}

export function parseConfigText(text: string, file: string): ParsedConfig {
  const yaml = readYaml(text, file);
  if (yaml.data === undefined) return { diagnostics: yaml.diagnostics, locate: yaml.locate };
  // an empty file is a config without `version`, which says what is missing
  const { value, diagnostics, assetIndexes } = validate(ConfigSchema, yaml.data ?? {}, file, yaml.locate);
  return {
    ...(value === undefined ? {} : { config: value }),
    ...(assetIndexes === undefined ? {} : { assetIndexes }),
    diagnostics: sortDiagnostics([...yaml.diagnostics, ...diagnostics]),
    locate: yaml.locate,
  };
}

export function parseSpecText(text: string, file: string): ParsedSpec {
  const yaml = readYaml(text, file);
  if (yaml.data === undefined) return { diagnostics: yaml.diagnostics, locate: yaml.locate };
  // an empty spec file (a new file, or one whose assets were all removed) declares nothing
  const { value, diagnostics, assetIndexes } = validate(SpecFileSchema, yaml.data ?? { assets: [] }, file, yaml.locate);
  return {
    ...(value === undefined ? {} : { spec: value }),
    ...(assetIndexes === undefined ? {} : { assetIndexes }),
    diagnostics: sortDiagnostics([...yaml.diagnostics, ...diagnostics]),
    locate: yaml.locate,
  };
}

/** `data` is undefined when the text is not usable YAML; null for an empty document. */
function readYaml(text: string, file: string): { data?: unknown; diagnostics: Diagnostic[]; locate: Locate } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter,
    uniqueKeys: true,
    prettyErrors: false,
    merge: true,
    // keys that are lists or maps would otherwise print a process warning; they fail as unknown keys
    logLevel: 'error',
  });
  const locate = createLocator(doc, lineCounter);
  const at = (offset: number) => lineCounter.linePos(offset);
  const diagnostics: Diagnostic[] = [
    ...doc.errors.map((error): Diagnostic => ({
      file,
      ...at(error.pos[0]),
      severity: 'error',
      code: 'E_YAML',
      message:
        error.code === 'MULTIPLE_DOCS'
          ? 'expected one YAML document, found a second one (a line with ---); split it into another file'
          : `invalid YAML: ${error.message}`,
    })),
    ...doc.warnings.map((warning): Diagnostic => ({
      file,
      ...at(warning.pos[0]),
      severity: 'warning',
      code: 'W_YAML',
      message: warning.message,
    })),
  ];
  if (doc.errors.length > 0) return { diagnostics, locate };
  try {
    return { data: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), diagnostics, locate };
  } catch (error) {
    // yaml refuses to expand an alias bomb rather than exhausting memory
    const alias = firstAliasOffset(doc);
    diagnostics.push({
      file,
      ...(alias === undefined ? { line: 1, col: 1 } : at(alias)),
      severity: 'error',
      code: 'E_YAML',
      message: `expected YAML whose aliases expand to at most ${MAX_ALIAS_COUNT} nodes, found more (${
        error instanceof Error ? error.message : String(error)
      })`,
    });
    return { diagnostics, locate };
  }
}

function firstAliasOffset(doc: Document): number | undefined {
  let offset: number | undefined;
  visit(doc, {
    Alias(_, node) {
      offset = node.range?.[0];
      return visit.BREAK;
    },
  });
  return offset;
}

/**
 * Validates `data`, reporting every issue. When every issue sits inside some `assets[i]`, the
 * file is validated again without those assets so the cross-asset checks still see the rest.
 */
function validate<S extends z.ZodType>(
  schema: S,
  data: unknown,
  file: string,
  locate: Locate,
): { value?: z.output<S>; diagnostics: Diagnostic[]; assetIndexes?: number[] } {
  const result = schema.safeParse(data, { error: noMessage });
  if (result.success) return { value: result.data, diagnostics: [] };
  const issues = result.error.issues;
  const diagnostics = issuesToDiagnostics(issues, { file, data, locate, schema });
  if (!isRecord(data) || !Array.isArray(data.assets)) return { diagnostics };
  const broken = new Set<number>();
  for (const issue of issues) {
    const [first, index] = issue.path;
    if (first !== 'assets' || typeof index !== 'number') return { diagnostics };
    broken.add(index);
  }
  const assets: unknown[] = data.assets;
  const assetIndexes = assets.flatMap((_, i) => (broken.has(i) ? [] : [i]));
  const retry = schema.safeParse({ ...data, assets: assetIndexes.map((i) => assets[i]) });
  return retry.success ? { value: retry.data, diagnostics, assetIndexes } : { diagnostics };
}
