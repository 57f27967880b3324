/**
 * Effects: reads and parses the spec files `include` found — YAML (through the parse cache) or
 * string tables (load-tables.ts) — a bounded number at a time, telling the trace what was read.
 */
import { readFile } from 'node:fs/promises';
import pLimit from 'p-limit';
import { type Diagnostic, errnoFields, fsErrorMessage, messageOf } from '../errors.js';
import { isStringTable, type ReadStringTable, readStringTableFile, type TableExtras } from './load-tables.js';
import { type ParsedSpec, parseSpecData, parseSpecText } from './parse.js';
import type { ParseCache } from './parse-cache.js';
import type { SpecSource } from './resolve.js';

/** Spec files read at once: plenty for throughput, well below any open-file limit. */
const READ_CONCURRENCY = 32;

export interface LoadTrace {
  /** a file's text as it was read */
  read(path: string, text: string): void;
  /** the indexes in `include` of patterns that matched no file */
  unmatched(indexes: number[]): void;
}

/** What string tables gave besides their assets; the source language is the first table's (they agree when `languages` is set). */
export type TablesRead = TableExtras;

/**
 * Reads and parses the spec files (YAML, or string tables: load-tables.ts), READ_CONCURRENCY at
 * a time; those that hold a map become SpecSources.
 */
export async function readSpecs(
  paths: readonly string[],
  display: (path: string) => string,
  how: ReadHow,
): Promise<{ specs: SpecSource[]; diagnostics: Diagnostic[]; tables: TablesRead }> {
  return gatherSpecs(await readSpecFiles(paths, display, how));
}

export interface ReadHow {
  cache: ParseCache | undefined;
  trace: LoadTrace | undefined;
  languages: readonly string[];
}

/** A spec file as read: parsed (a string table with what it gives besides assets), or only the error that kept it from being read. */
export type SpecRead = ReadSpec & { extras?: TableExtras };

/** Each file as read and parsed, in the order of `paths`. */
export async function readSpecFiles(paths: readonly string[], display: (path: string) => string, how: ReadHow): Promise<SpecRead[]> {
  const limit = pLimit(READ_CONCURRENCY);
  const read = (path: string): Promise<SpecRead> =>
    isStringTable(path) ? readTable(path, display(path), how.languages, how.trace) : readSpec(path, display(path), how.cache, how.trace);
  return Promise.all(paths.map((path) => limit(() => read(path))));
}

/** The files read, as one: their sources (those that hold a map), their problems in order, and what string tables gave. */
export function gatherSpecs(reads: readonly SpecRead[]): { specs: SpecSource[]; diagnostics: Diagnostic[]; tables: TablesRead } {
  const specs: SpecSource[] = [];
  const diagnostics: Diagnostic[] = [];
  const tables: TablesRead = { translations: [], notes: new Map() };
  for (const parsed of reads) {
    diagnostics.push(...parsed.diagnostics);
    if (parsed.extras !== undefined) {
      tables.translations.push(...parsed.extras.translations);
      for (const [id, note] of parsed.extras.notes) tables.notes.set(id, note);
      tables.sourceLanguage ??= parsed.extras.sourceLanguage;
    }
    const source = sourceOf(parsed);
    if (source !== undefined) specs.push(source);
  }
  return { specs, diagnostics, tables };
}

/** What resolution takes from a file read: undefined when it holds no map. */
export function sourceOf(parsed: SpecRead): SpecSource | undefined {
  if (parsed.content === undefined) return undefined;
  return { path: parsed.path, display: parsed.file, content: parsed.content, locate: parsed.locate };
}

async function readTable(
  path: string,
  file: string,
  languages: readonly string[],
  trace: LoadTrace | undefined,
): Promise<ReadSpec & ReadStringTable> {
  return { path, file, ...(await readStringTableFile(path, file, languages, trace?.read)) };
}

/** A spec file as read: parsed, or only the error that kept it from being read. */
type ReadSpec = { path: string; file: string } & (ParsedSpec | { diagnostics: Diagnostic[]; content: undefined });

/** One spec file, parsed; a file that cannot be read is an error of its own, not the end of loading. */
async function readSpec(path: string, file: string, cache: ParseCache | undefined, trace: LoadTrace | undefined): Promise<ReadSpec> {
  try {
    const text = await readFile(path, 'utf8');
    trace?.read(path, text);
    return { path, file, ...parseSpec(text, file, cache) };
  } catch (error) {
    const readError: Diagnostic = {
      file,
      line: 1,
      col: 1,
      severity: 'error',
      code: 'E_IO',
      message: describeReadError(error),
    };
    return { path, file, diagnostics: [readError], content: undefined };
  }
}

function parseSpec(text: string, file: string, cache: ParseCache | undefined): ParsedSpec {
  if (cache === undefined) return parseSpecText(text, file);
  const key = cache.keyOf(text);
  const known = cache.get(key);
  if (known !== undefined) return parseSpecData(text, known, file);
  const parsed = parseSpecText(text, file);
  if (parsed.reusable !== undefined) cache.set(key, parsed.reusable);
  return parsed;
}

/** Why a spec file could not be read, in the words every file system error gets (errors.ts). */
function describeReadError(error: unknown): string {
  const fs = errnoFields(error);
  return fs ? fsErrorMessage({ ...fs, path: undefined }, 'read') : `cannot read the file: ${messageOf(error)}`;
}
