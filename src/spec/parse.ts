/**
 * Pure: YAML text → validated config or spec, or every problem in it with its position, plus
 * what of an invalid file can still be checked (content.ts). Nothing here touches the file
 * system; `file` is only the path shown to the user.
 */

import { type Document, LineCounter, parseDocument, visit } from 'yaml';
import type { z } from 'zod';
import type { Diagnostic } from '../errors.js';
import { messageOf } from '../errors.js';
import { type ConfigContent, configContent, type SpecContent, salvageConfig, salvageSpec, specContent } from './content.js';
import { sortDiagnostics } from './diagnostics.js';
import { withoutExtensionKeys } from './extension-keys.js';
import { issuesToDiagnostics, noMessage } from './issues.js';
import { valueAt } from './label.js';
import { createLocator, type DocPath, type Locate } from './position.js';
import { type ConfigInput, ConfigSchema, type SpecFileInput, SpecFileSchema } from './schema.js';

/** Aliases may expand to at most this many nodes: enough for sharing, far too few for a "billion laughs". */
export const MAX_ALIAS_COUNT = 100;

const YAML_OPTIONS = {
  uniqueKeys: true,
  prettyErrors: false,
  merge: true,
  // keys that are lists or maps would otherwise print a process warning; they fail as unknown keys
  logLevel: 'error',
} as const;

/** Everything that decides what `readYaml` makes of a text, for caches of its results to key on. */
export const YAML_READ_SETTINGS = JSON.stringify({ ...YAML_OPTIONS, maxAliasCount: MAX_ALIAS_COUNT });

interface Parsed {
  diagnostics: Diagnostic[];
  /** maps a path in the data back to its line and column in the text */
  locate: Locate;
}

export interface ParsedConfig extends Parsed {
  /** present when the whole config is valid */
  config?: ConfigInput;
  /**
   * What can still be checked (see content.ts): present whenever the text is YAML holding a map,
   * valid or not, so the rest of the project is validated alongside a broken config.
   */
  content?: ConfigContent;
}

export interface ParsedSpec extends Parsed {
  /** present when the whole file is valid */
  spec?: SpecFileInput;
  /** what can still be checked (see content.ts): present whenever the text is YAML holding a map */
  content?: SpecContent;
  /**
   * What the YAML parser made of the text, when it raised no error or warning: all that
   * `parseSpecData` needs to repeat this parse without the YAML step (parse-cache.ts).
   */
  reusable?: ReusableParse;
}

/** The YAML's data, and where each asset and scene line starts (every resolved asset carries its position). */
export interface ReusableParse {
  data: unknown;
  assets: [line: number, col: number][];
  /** per scene, where each of its lines starts (absent in entries kept before scenes existed) */
  lines?: [line: number, col: number][][];
}

export function parseConfigText(text: string, file: string): ParsedConfig {
  const yaml = readYaml(text, file);
  if (yaml.data === undefined) return { diagnostics: yaml.diagnostics, locate: yaml.locate };
  // an empty file is a config without `version`, which says what is missing
  const data = withoutExtensionKeys(yaml.data ?? {});
  const { value, diagnostics } = validate(ConfigSchema, data, file, yaml.locate);
  const content = value === undefined ? salvageConfig(data) : configContent(value);
  return {
    ...(value === undefined ? {} : { config: value }),
    ...(content === undefined ? {} : { content }),
    diagnostics: sortDiagnostics([...yaml.diagnostics, ...diagnostics]),
    locate: yaml.locate,
  };
}

export function parseSpecText(text: string, file: string): ParsedSpec {
  const yaml = readYaml(text, file);
  if (yaml.data === undefined) return { diagnostics: yaml.diagnostics, locate: yaml.locate };
  const parsed = validateSpec(yaml.data, file, yaml.locate, yaml.diagnostics);
  if (yaml.diagnostics.length > 0) return parsed;
  const positions = (path: DocPath): [number, number][] => {
    const list = valueAt(yaml.data, path);
    return Array.isArray(list)
      ? list.map((_, index): [number, number] => {
          const { line, col } = yaml.locate([...path, index]);
          return [line, col];
        })
      : [];
  };
  const assets = positions(['assets']);
  const scenes = valueAt(yaml.data, ['scenes']);
  const lines = Array.isArray(scenes) ? scenes.map((_, index) => positions(['scenes', index, 'lines'])) : [];
  const reusable: ReusableParse = { data: yaml.data, assets, ...(lines.length > 0 ? { lines } : {}) };
  // The parsed document is many times the size of the text and, past validation, is needed only
  // for positions: keeping one per spec file alive for the whole build cost a no-op build of
  // thousands of assets most of its garbage-collection time. The assets' positions are kept;
  // any other is found by parsing again, which only a diagnostic asks for.
  return { ...parsed, locate: keptPositions(text, file, reusable), reusable };
}

/**
 * The same result as `parseSpecText(text, file)`, given what an earlier parse of the same text
 * left to reuse. The YAML is parsed again only if a diagnostic needs a position other than an
 * asset's own.
 */
export function parseSpecData(text: string, reusable: ReusableParse, file: string): ParsedSpec {
  return validateSpec(reusable.data, file, keptPositions(text, file, reusable), []);
}

/**
 * Validates spec data that did not come from YAML (a string table, string-table.ts) exactly as a
 * spec file's: `locate` says where each path of `data` was written.
 */
export function parseSpecValue(data: unknown, file: string, locate: Locate): ParsedSpec {
  return validateSpec(data, file, locate, []);
}

/** Answers the assets' positions from `reusable`, and any other by parsing `text` again (once). */
function keptPositions(text: string, file: string, reusable: ReusableParse): Locate {
  let parsedLocate: Locate | undefined;
  return (path, target = 'value') => {
    const position = target === 'value' ? keptPosition(reusable, path) : undefined;
    if (position !== undefined) return { line: position[0], col: position[1] };
    parsedLocate ??= readYaml(text, file).locate;
    return parsedLocate(path, target);
  };
}

/** The position of an asset or a scene line, when the earlier parse kept it. */
function keptPosition(reusable: ReusableParse, path: DocPath): [number, number] | undefined {
  const [first, index, lines, j] = path;
  if (path.length === 2 && first === 'assets' && typeof index === 'number') return reusable.assets[index];
  if (path.length === 4 && first === 'scenes' && typeof index === 'number' && lines === 'lines' && typeof j === 'number') {
    return reusable.lines?.[index]?.[j];
  }
  return undefined;
}

function validateSpec(yamlData: unknown, file: string, locate: Locate, yamlDiagnostics: Diagnostic[]): ParsedSpec {
  // an empty spec file (a new file, or one whose assets were all removed) declares nothing
  const data = withoutExtensionKeys(yamlData ?? { assets: [] });
  const { value, diagnostics } = validate(SpecFileSchema, data, file, locate);
  const content = value === undefined ? salvageSpec(data) : specContent(value);
  return {
    ...(value === undefined ? {} : { spec: value }),
    ...(content === undefined ? {} : { content }),
    diagnostics: sortDiagnostics([...yamlDiagnostics, ...diagnostics]),
    locate,
  };
}

function yamlErrorMessage(error: { code: string; message: string }): string {
  return error.code === 'MULTIPLE_DOCS'
    ? 'expected one YAML document, found a second one (a line with ---); split it into another file'
    : `invalid YAML: ${error.message}`;
}

/** `data` is undefined when the text is not usable YAML; null for an empty document. */
function readYaml(text: string, file: string): { data?: unknown; diagnostics: Diagnostic[]; locate: Locate } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, ...YAML_OPTIONS });
  const locate = createLocator(doc, lineCounter);
  const at = (offset: number) => lineCounter.linePos(offset);
  const diagnostic = (severity: Diagnostic['severity'], code: string, offset: number, message: string): Diagnostic => ({
    file,
    ...at(offset),
    severity,
    code,
    message,
  });
  const diagnostics: Diagnostic[] = [
    ...doc.errors.map((error) => diagnostic('error', 'E_YAML', error.pos[0], yamlErrorMessage(error))),
    ...doc.warnings.map((warning) => diagnostic('warning', 'W_YAML', warning.pos[0], warning.message)),
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
      message: `expected YAML whose aliases expand to at most ${MAX_ALIAS_COUNT} nodes, found more (${messageOf(error)})`,
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

/** Validates `data`, reporting every issue. */
function validate<S extends z.ZodType>(
  schema: S,
  data: unknown,
  file: string,
  locate: Locate,
): { value?: z.output<S>; diagnostics: Diagnostic[] } {
  const result = schema.safeParse(data, { error: noMessage });
  if (result.success) return { value: result.data, diagnostics: [] };
  return { diagnostics: issuesToDiagnostics(result.error.issues, { file, data, locate, schema }) };
}
