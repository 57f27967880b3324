/**
 * A path as an ffmpeg input or output argument. ffmpeg reads `name:rest` as a protocol
 * (`concat:`, `pipe:`, `http:`) and a leading `-` as an option, so a file is always passed as an
 * absolute path behind the `file:` protocol (`file:/abs/path`), which ffmpeg opens as exactly that file.
 */
import { resolve } from 'node:path';

export function fileArg(path: string): string {
  return `file:${resolve(path)}`;
}
