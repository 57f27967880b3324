/**
 * The built `kieaudio` binary as a child process, against the in-process simulator over real
 * HTTP: run to completion, or spawn and wait for what it prints (watch mode).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from '../helpers/project.js';

export const BIN = join(REPO_ROOT, 'dist', 'bin.cjs');
const exec = promisify(execFile);

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function childEnv(env: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env };
}

export async function kieaudio(cwd: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  try {
    const { stdout, stderr } = await exec(process.execPath, [BIN, ...args], { cwd, env: childEnv(env) });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

export interface Spawned {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** resolves once `stream`'s output (from `from` on) matches; rejects at the deadline or on exit */
  waitFor(stream: 'stdout' | 'stderr', pattern: RegExp, from?: number, timeoutMs?: number): Promise<RegExpExecArray>;
  /** exit code (or 128 + signal number, as a shell reports it) */
  exited: Promise<number>;
}

export function spawnKieaudio(cwd: string, args: string[], env: Record<string, string> = {}): Spawned {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  const text = { stdout: '', stderr: '' };
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const listener of [...listeners]) listener();
  };
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => ((text.stdout += chunk), notify()));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => ((text.stderr += chunk), notify()));
  const exited = new Promise<number>((resolve) =>
    child.on('exit', (code, signal) => {
      resolve(code ?? 128 + (signal === 'SIGINT' ? 2 : 15));
      notify();
    }),
  );

  return {
    child,
    stdout: () => text.stdout,
    stderr: () => text.stderr,
    exited,
    waitFor(stream, pattern, from = 0, timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(text[stream].slice(from));
          if (match) return finish(() => resolve(match));
          if (child.exitCode !== null || child.signalCode !== null) {
            finish(() => reject(new Error(`kieaudio exited before ${stream} matched ${pattern}\nstdout:\n${text.stdout}\nstderr:\n${text.stderr}`)));
          }
        };
        const timer = setTimeout(
          () => finish(() => reject(new Error(`no ${pattern} on ${stream} within ${timeoutMs} ms\nstdout:\n${text.stdout}\nstderr:\n${text.stderr}`))),
          timeoutMs,
        );
        const finish = (settle: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          settle();
        };
        listeners.add(check);
        check();
      });
    },
  };
}
