/**
 * Whether a stream can take a live progress area. Only a real terminal, and not in CI: CI logs
 * are read after the fact, where redrawn lines and spinners turn into noise.
 */
import type { Env } from '../project.js';

export function isCI(env: Env): boolean {
  const value = env.CI?.trim().toLowerCase();
  return value !== undefined && value !== '' && value !== '0' && value !== 'false';
}

export function isInteractive(stream: { isTTY?: boolean }, env: Env): boolean {
  return stream.isTTY === true && !isCI(env) && env.TERM !== 'dumb';
}
