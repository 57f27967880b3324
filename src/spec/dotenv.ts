/**
 * The `.env` file beside the config, read as `node --env-file` reads one (util.parseEnv), with
 * what editors and copy-paste leave in such files handled: a UTF-8 byte order mark is dropped,
 * and a line that is not `KEY=VALUE` is skipped and reported by its number — Node would glue it
 * to the next line's key, so that key (often KIE_API_KEY) silently went missing. Reports never
 * show a line's text or a value: either may be a secret.
 */
import { readFile } from 'node:fs/promises';
import { parseEnv } from 'node:util';
import { type Diagnostic, toKieaudioError } from '../errors.js';
import type { Env } from '../project.js';
import { suggest } from './suggest.js';

export interface DotEnv {
  /** where it was looked for, as messages show it (relative to the working directory) */
  file: string;
  /** `missing`: there is no such file; `unreadable`: there is, but it could not be read */
  state: 'read' | 'missing' | 'unreadable';
  values: Env;
  /** 1-based numbers of the lines skipped: not `KEY=VALUE`, a comment or blank */
  skippedLines: number[];
  /** why an unreadable file could not be read */
  error?: string;
}

/** A key as shells and dotenv tools accept it (Node also takes `.` and `-`). */
const KEY = /^[\w.-]+$/;
const ASSIGNMENT = /^\s*(?:export\s+)?([^=]*?)\s*=\s*(.*)$/;
const QUOTES = new Set(['"', "'", '`']);

export async function readDotEnv(path: string, file: string): Promise<DotEnv> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    if (missing) return { file, state: 'missing', values: {}, skippedLines: [] };
    return {
      file,
      state: 'unreadable',
      values: {},
      skippedLines: [],
      error: toKieaudioError(error, 'E_IO', { action: 'read', path }).message,
    };
  }
  return { file, state: 'read', ...parseDotEnv(text) };
}

/** The values of a `.env` text, and the lines that were skipped. */
export function parseDotEnv(text: string): { values: Env; skippedLines: number[] } {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const skippedLines: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const match = ASSIGNMENT.exec(line);
    if (!match || !KEY.test(match[1] ?? '')) {
      skippedLines.push(i + 1);
      lines[i] = '';
      continue;
    }
    // a quoted value may go on over the next lines, up to its closing quote
    const value = match[2] ?? '';
    const quote = value[0] ?? '';
    if (QUOTES.has(quote) && !value.includes(quote, 1)) {
      const end = lines.findIndex((l, j) => j > i && l.includes(quote));
      if (end !== -1) i = end;
    }
  }
  return { values: parseEnv(lines.join('\n')), skippedLines };
}

/** A warning per skipped line, for the commands to show with the project's other warnings. */
export function dotEnvWarnings(dotEnv: DotEnv): Diagnostic[] {
  return dotEnv.skippedLines.map((line) => ({
    file: dotEnv.file,
    line,
    col: 1,
    severity: 'warning',
    code: 'W_DOTENV_LINE',
    message: 'not a KEY=VALUE line, skipped (its text is not shown: it may hold a secret)',
  }));
}

/**
 * Why `name` has no value, in words: the environment sets it empty (and wins over `.env`), or
 * which `.env` was looked for and what it held — so that "not set" is never a mystery.
 */
export function explainMissing(name: string, dotEnv: DotEnv, environment: Env): string {
  if (environment[name] !== undefined) {
    return `The environment sets ${name} to an empty value, which takes precedence over ${dotEnv.file}.`;
  }
  if (dotEnv.state === 'missing') return `It is not in the environment, and there is no ${dotEnv.file} (looked for it beside the config).`;
  if (dotEnv.state === 'unreadable') return `It is not in the environment, and ${dotEnv.error ?? `${dotEnv.file} could not be read`}.`;
  const facts = [`${dotEnv.file} was read`];
  if (dotEnv.values[name] !== undefined) facts.push(`it sets ${name} to an empty value`);
  else {
    facts.push(`it does not set ${name}`);
    const near = suggest(name, Object.keys(dotEnv.values));
    if (near !== undefined) facts.push(`it sets ${near} instead (names must match exactly)`);
  }
  const skipped = dotEnv.skippedLines;
  if (skipped.length > 0) {
    facts.push(
      `line${skipped.length === 1 ? '' : 's'} ${skipped.join(', ')} ${skipped.length === 1 ? 'is' : 'are'} not KEY=VALUE and ${skipped.length === 1 ? 'was' : 'were'} skipped`,
    );
  }
  return `It is not in the environment; ${facts.join('; ')}.`;
}
