/** Running a command many times and keeping what matters: wall time and peak memory. */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';

export interface RunResult {
  ms: number;
  /** peak resident set size, KiB, as GNU time reports it */
  maxRssKb: number;
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `argv` under /usr/bin/time to get the child's own peak RSS. */
export function run(argv: string[], options: { cwd: string; env?: Record<string, string> }): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('/usr/bin/time', ['-f', '%M', ...argv], {
      cwd: options.cwd,
      env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...options.env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = performance.now() - started;
      const lines = stderr.trimEnd().split('\n');
      const maxRssKb = Number(lines.pop());
      resolve({ ms, maxRssKb, code: code ?? -1, stdout, stderr: lines.join('\n') });
    });
  });
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Median wall time (and max RSS) over `times` runs; every run must exit 0. */
export async function timeRuns(
  argv: string[],
  options: { cwd: string; env?: Record<string, string>; times: number },
): Promise<{ ms: number; maxRssKb: number; runs: number[] }> {
  const runs: number[] = [];
  let maxRssKb = 0;
  for (let i = 0; i < options.times; i++) {
    const r = await run(argv, options);
    if (r.code !== 0) throw new Error(`${argv.join(' ')} exited ${r.code}:\n${r.stderr}\n${r.stdout}`);
    runs.push(r.ms);
    maxRssKb = Math.max(maxRssKb, r.maxRssKb);
  }
  return { ms: median(runs), maxRssKb, runs };
}

/**
 * Puts the machine in the same state before each timed run: dirty pages written out and, where
 * the benchmark may (root on Linux), the page cache dropped and then `warm` read back in, so every
 * run reads its sources from memory. On the virtual machines these figures come from, creating
 * files gets several times slower as the page cache grows, whichever program does it; without
 * this, the order of the runs decides the figures more than the programs do.
 * Returns whether the cache was dropped; KIEAUDIO_BENCH_KEEP_CACHE=1 leaves the machine's cache be.
 */
export async function settleDisk(warm: string[]): Promise<boolean> {
  await run(['sync'], { cwd: '/' });
  let dropped = false;
  if (process.env.KIEAUDIO_BENCH_KEEP_CACHE !== '1') {
    try {
      await writeFile('/proc/sys/vm/drop_caches', '3');
      dropped = true;
    } catch {
      // not root, or not Linux: the runs are still interleaved, which evens out most drift
    }
  }
  // read by `find … cat` in a child: the benchmark's own heap stays as it was
  if (warm.length > 0) await run(['sh', '-c', 'find "$@" -type f -exec cat {} + > /dev/null', 'sh', ...warm], { cwd: '/' });
  return dropped;
}

/** A JSON event line of `kieaudio --json`, with the moment it was read. */
export type OnJsonEvent = (event: Record<string, unknown>, now: number) => void;

/**
 * `kieaudio build --json` in `cwd`, each event handed to `onEvent` as its line arrives (timed on
 * performance.now()); resolves with the exit code and stderr once the process has closed.
 */
export async function jsonBuild(
  cli: string,
  cwd: string,
  env: Record<string, string>,
  onEvent: OnJsonEvent,
): Promise<{ code: number | null; stderr: string }> {
  const child = spawn('node', [cli, 'build', '--json'], {
    cwd,
    env: { PATH: process.env.PATH ?? '', NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const closed = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', resolve);
  });
  for await (const line of createInterface({ input: child.stdout }))
    onEvent(JSON.parse(line) as Record<string, unknown>, performance.now());
  return { code: await closed, stderr };
}
