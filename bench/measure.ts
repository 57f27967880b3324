/** Running a command many times and keeping what matters: wall time and peak memory. */
import { spawn } from 'node:child_process';

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
