/**
 * `npm run bench`: kieaudio's speed against its floors, not against nothing. Each benchmark
 * prints its figures and its ratio to the floor; all of them go to bench/RESULTS.md.
 *
 *   node dist-bench/bench/run.js [noop|rate|memory|scale|restore|startup|post|polling|tail|watch ...]
 */
import { mkdir, mkdtemp, rm, rmdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchMemory } from './memory.js';
import { benchMemoryScale } from './memory-scale.js';
import { benchNoop } from './noop.js';
import { benchPolling, benchPollingTail } from './polling.js';
import { benchPostThroughput } from './post-throughput.js';
import { benchRateLimited } from './rate-limited.js';
import { benchRemoteRestore } from './remote-restore.js';
import { benchRestore } from './restore.js';
import { benchStartup } from './startup.js';
import { benchStrings } from './strings.js';
import { benchWatch } from './watch.js';

export interface Section {
  title: string;
  /** markdown lines */
  lines: string[];
  /** every target met */
  ok: boolean;
}

export interface BenchContext {
  /** the repository root */
  root: string;
  /** dist/bin.cjs: the installed executable */
  cli: string;
  /** dist-bench/bench/floor-parse.js */
  floor: string;
  /** a new temp dir, removed at the end */
  scratch(): Promise<string>;
  log(line: string): void;
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const scratchDirs: string[] = [];
const scratchRoot = join(root, '.bench-scratch');
const ctx: BenchContext = {
  root,
  cli: join(root, 'dist', 'bin.cjs'),
  floor: join(root, 'dist-bench', 'bench', 'floor-parse.js'),
  async scratch() {
    // On the repository's own disk, where a game project would be, not in the system temp folder:
    // on some machines (this one) a folder under /tmp allocates new files tens of times slower than
    // one elsewhere on the same disk, which would hide everything else being measured.
    await mkdir(scratchRoot, { recursive: true });
    const dir = await mkdtemp(join(scratchRoot, 'kieaudio-bench-'));
    scratchDirs.push(dir);
    return dir;
  },
  log: (line) => process.stdout.write(`${line}\n`),
};

const BENCHES: Record<string, (c: BenchContext) => Promise<Section>> = {
  noop: benchNoop,
  rate: benchRateLimited,
  memory: benchMemory,
  scale: benchMemoryScale,
  restore: benchRestore,
  startup: benchStartup,
  post: benchPostThroughput,
  polling: benchPolling,
  tail: benchPollingTail,
  remote: benchRemoteRestore,
  strings: benchStrings,
  watch: benchWatch,
};

const wanted = process.argv.slice(2);
const names = wanted.length > 0 ? wanted : Object.keys(BENCHES);
const sections: Section[] = [];
try {
  for (const name of names) {
    const bench = BENCHES[name];
    if (!bench) throw new Error(`unknown benchmark ${name}; known: ${Object.keys(BENCHES).join(', ')}`);
    ctx.log(`\n== ${name} ==`);
    const section = await bench(ctx);
    sections.push(section);
    for (const line of section.lines) ctx.log(line);
  }
} finally {
  for (const dir of scratchDirs) await rm(dir, { recursive: true, force: true });
  await rmdir(scratchRoot).catch(() => undefined);
}

if (wanted.length === 0) {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const header = [
    '# kieaudio benchmarks',
    '',
    `Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}.`,
    `Machine: ${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, ${process.platform}; Node.js ${process.version}.`,
    '',
    'Each figure is compared with its floor: the least time (or memory) the job allows.',
    '',
  ];
  const body = sections.flatMap((s) => [`## ${s.title} ${s.ok ? '— targets met' : '— TARGET MISSED'}`, '', ...s.lines, '']);
  await writeFile(join(root, 'bench', 'RESULTS.md'), `${[...header, ...body].join('\n').trimEnd()}\n`);
  ctx.log('\nwrote bench/RESULTS.md');
}
process.exitCode = sections.every((s) => s.ok) ? 0 : 1;
