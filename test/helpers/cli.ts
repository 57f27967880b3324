/**
 * The built `kieaudio` binary as a child process, against the in-process simulator over real
 * HTTP (so always asynchronously: the simulator must keep answering): run to completion, or spawn
 * it and wait for what it prints (watch mode, builds killed part-way).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { constants } from 'node:os';
import { BIN } from './repo.js';
import type { OnFinished } from './temp-dir.js';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function childEnv(env: Record<string, string>): Record<string, string> {
  return { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env };
}

/**
 * Runs the CLI to completion; `code` is -1 when it did not exit with a code (killed by a signal).
 * `prefix` runs it through another command (as another user: unprivileged.ts).
 */
export function kieaudio(cwd: string, args: string[], env: Record<string, string> = {}, prefix: readonly string[] = []): Promise<Run> {
  const [command = process.execPath, ...before] = prefix.length > 0 ? [...prefix, process.execPath] : [];
  return new Promise((resolve) => {
    execFile(command, [...before, BIN, ...args], { cwd, env: childEnv(env), maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof (error as { code?: unknown }).code === 'number' ? (error as { code: number }).code : -1;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Spawned {
  proc: ChildProcess;
  pid: number;
  readonly stdout: string;
  readonly stderr: string;
  /** true once the process has exited and its output is fully read */
  readonly exited: boolean;
  /** resolves then */
  exit: Promise<Exit>;
  /** the exit code as a shell reports it: 128 + the signal's number when a signal ended it */
  exitCode: Promise<number>;
  /**
   * Resolves once the output (`stream`, from offset `from` on; both streams when no stream is
   * named) matches; rejects at the deadline or if the process ends first.
   */
  waitFor(pattern: RegExp, opts?: { stream?: 'stdout' | 'stderr'; from?: number; timeoutMs?: number }): Promise<RegExpExecArray>;
  /** SIGKILL (if still running) and wait for the exit */
  kill(): Promise<Exit>;
}

/** Spawns `node dist/bin.cjs …`; with `onFinished`, it is killed when the test ends if still running. */
export function spawnKieaudio(cwd: string, args: string[], env: Record<string, string> = {}, onFinished?: OnFinished): Spawned {
  const proc = spawn(process.execPath, [BIN, ...args], { cwd, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  if (proc.pid === undefined) throw new Error('could not spawn kieaudio');
  const text = { stdout: '', stderr: '' };
  let exited = false;
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const listener of [...listeners]) listener();
  };
  proc.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    text.stdout += chunk;
    notify();
  });
  proc.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    text.stderr += chunk;
    notify();
  });
  // 'close' comes after 'exit' and after both streams ended: the output is complete
  const exit = new Promise<Exit>((resolve) =>
    proc.once('close', (code, signal) => {
      exited = true;
      notify();
      resolve({ code, signal });
    }),
  );

  const child: Spawned = {
    proc,
    pid: proc.pid,
    get stdout() {
      return text.stdout;
    },
    get stderr() {
      return text.stderr;
    },
    get exited() {
      return exited;
    },
    exit,
    exitCode: exit.then(({ code, signal }) => code ?? 128 + (signal === null ? 0 : constants.signals[signal])),
    waitFor(pattern, opts = {}) {
      const { stream, from = 0, timeoutMs = 15_000 } = opts;
      const output = () => (stream === undefined ? `${text.stdout}\n${text.stderr}` : text[stream].slice(from));
      const where = stream ?? 'the output';
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(output());
          if (match) return finish(() => resolve(match));
          if (exited)
            finish(() =>
              reject(new Error(`kieaudio exited before ${where} matched ${pattern}\nstdout:\n${text.stdout}\nstderr:\n${text.stderr}`)),
            );
        };
        const timer = setTimeout(
          () =>
            finish(() =>
              reject(new Error(`no ${pattern} on ${where} within ${timeoutMs} ms\nstdout:\n${text.stdout}\nstderr:\n${text.stderr}`)),
            ),
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
    async kill() {
      if (!exited) proc.kill('SIGKILL');
      return exit;
    },
  };
  onFinished?.(async () => {
    await child.kill();
  });
  return child;
}

export interface TimedRun extends Exit {
  pid: number;
  stdout: string;
  stderr: string;
  ms: number;
}

/** Runs the CLI to completion, bounded: SIGKILLed after `timeoutMs`. */
export async function runKieaudio(
  onFinished: OnFinished,
  cwd: string,
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 20_000,
): Promise<TimedRun> {
  const started = Date.now();
  const child = spawnKieaudio(cwd, args, env, onFinished);
  const timer = setTimeout(() => child.proc.kill('SIGKILL'), timeoutMs);
  const exit = await child.exit;
  clearTimeout(timer);
  return { ...exit, pid: child.pid, stdout: child.stdout, stderr: child.stderr, ms: Date.now() - started };
}

/** A line `--json` prints. */
export interface JsonLine {
  type: string;
  [key: string]: unknown;
}

/** The lines of a `--json` run; throws on a line that is not JSON. */
export function jsonLines(stdout: string): JsonLine[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as JsonLine);
}
