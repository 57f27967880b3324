/**
 * The review page in a real browser: headless Chromium (Debian's package) driven by playwright-core,
 * opening index.html from file:// as a person would. One project, one report, one browser launch
 * for the whole file; each test reloads the page. Skipped, with a notice, where no Chromium is found.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManifestSchema } from '../../src/delivery/manifest-schema.js';
import type { ReviewRow } from '../../src/delivery/report-data.js';
import { reportPage } from '../../src/delivery/report-page.js';
import { build, pin, report } from '../../src/index.js';
import { CHROMIUM_ARGS, findChromium } from '../helpers/chromium.js';
import { writeFiles } from '../helpers/files.js';
import { FAST_API } from '../helpers/project.js';
import { simEnv, startSim } from '../helpers/sim.js';
import { createTempDir } from '../helpers/temp-dir.js';

const CHROMIUM = findChromium();
if (CHROMIUM === undefined) {
  console.warn('review page browser tests skipped: no Chromium found (set CHROMIUM_PATH, or install Debian chromium)');
}

const HOSTILE = 'Beware <script>window.__xss = 1</script> the "quoted" & <b>bold</b>';

const FILES = {
  'kieaudio.config.yaml': `version: 1
include: ["audio/**/*.audio.yaml"]
outDir: out
${FAST_API}defaults:
  voice: { voice: Rachel }
manifest: { json: out/manifest.json }
cast:
  Smith: { voice: George }
  Keeper: { voice: Alice }
`,
  'audio/main.audio.yaml': `assets:
  - { id: smith.greet, kind: voice, speaker: Smith, text: "Need a blade sharpened?", out: npc/smith-greet.mp3 }
  - { id: smith.bye, kind: voice, speaker: Smith, text: "Mind the edge.", out: npc/smith-bye.mp3 }
  - { id: keeper.rumor, kind: voice, speaker: Keeper, text: ${JSON.stringify(HOSTILE)}, out: npc/keeper-rumor.mp3 }
  - { id: coin, kind: effect, text: "Coin drop on a table", duration_seconds: 0.5, out: sfx/coin.mp3 }
`,
};

/** What the test reads of an <audio> element (the tests compile without the DOM's types). */
interface AudioLike {
  readyState: number;
  duration: number;
  error: { message: string } | null;
  closest(selector: string): { getAttribute(name: string): string | null } | null;
  addEventListener(type: string, listener: () => void, options: { once: boolean }): void;
}

const cleanups: Array<() => Promise<void> | void> = [];
const onFinished = (fn: () => Promise<void> | void) => void cleanups.push(fn);
let dir = '';
let page: Page;
let context: BrowserContext | undefined;
const errors: string[] = [];

async function openReport(): Promise<void> {
  await page.goto(pathToFileURL(join(dir, 'report', 'index.html')).href);
  await page.waitForSelector('#rows .row');
}

describe.skipIf(CHROMIUM === undefined)('review page in Chromium', () => {
  beforeAll(async () => {
    dir = await createTempDir(onFinished);
    await writeFiles(dir, FILES);
    const env = simEnv(await startSim(onFinished));
    await build({ cwd: dir, env });
    // a second take of one line, and the first one pinned back
    await build({ cwd: dir, env, only: ['smith.greet'], regenerate: true });
    await pin({ cwd: dir, env, id: 'smith.greet', take: 1 });
    await build({ cwd: dir, env });
    await report({ cwd: dir, env, out: join(dir, 'report') });
    context = await chromium.launchPersistentContext(await createTempDir(onFinished, 'kieaudio-chromium-'), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(error.message));
  }, 60_000);

  afterAll(async () => {
    await context?.close();
    while (cleanups.length > 0) await cleanups.pop()?.();
  });

  it('loads from file:// with no console errors, one row per output, each player as long as the manifest says', async () => {
    await openReport();
    expect(await page.locator('#rows .row').count()).toBe(4);
    const manifest = ManifestSchema.parse(JSON.parse(await readFile(join(dir, 'out', 'manifest.json'), 'utf8')));
    const durations = await page.$$eval('audio[data-role=output]', (players) =>
      Promise.all(
        (players as unknown as AudioLike[]).map(
          (audio) =>
            new Promise<[string, number]>((resolve, reject) => {
              const id = audio.closest('.row')?.getAttribute('data-id') ?? '';
              if (audio.readyState >= 1) resolve([id, audio.duration]);
              audio.addEventListener('loadedmetadata', () => resolve([id, audio.duration]), { once: true });
              audio.addEventListener('error', () => reject(new Error(`${id}: ${audio.error?.message ?? 'cannot load'}`)), { once: true });
            }),
        ),
      ),
    );
    expect(durations).toHaveLength(manifest.assets.length);
    for (const [id, seconds] of durations) {
      const row = manifest.assets.find((r) => r.id === id);
      expect(Math.abs(seconds - (row?.durationSeconds ?? Number.NaN)), id).toBeLessThanOrEqual(0.05);
    }
    await page.screenshot({ path: join(dir, 'report.png'), fullPage: true });
    expect(errors).toEqual([]);
  });

  it('narrows the rows by speaker, and finds a line by a word of its text', async () => {
    await openReport();
    await page.getByLabel('Speaker').selectOption('Smith');
    const speakers = await page.$$eval('#rows .row', (rows) => rows.map((r) => r.getAttribute('data-speaker')));
    expect(speakers).toEqual(['Smith', 'Smith']);
    await page.getByLabel('Speaker').selectOption('');
    await page.getByLabel('Search').fill('sharpened');
    expect(await page.$$eval('#rows .row', (rows) => rows.map((r) => r.getAttribute('data-id')))).toEqual(['smith.greet']);
    expect(errors).toEqual([]);
  });

  it('marks the pinned take, and gives every take a player', async () => {
    await openReport();
    const row = page.locator('.row[data-id="smith.greet"]');
    expect(await row.getAttribute('data-status')).toBe('pinned take');
    const takes = row.locator('.take');
    expect(await takes.count()).toBe(2);
    expect(await row.locator('.take audio').count()).toBe(2);
    const pinned = row.locator('.take[data-pinned]');
    expect(await pinned.getAttribute('data-take')).toBe('1');
    expect(await pinned.textContent()).toContain('pinned');
  });

  it('shows <script> and quotes in a line as text', async () => {
    await openReport();
    const text = page.locator('.row[data-id="keeper.rumor"] .text');
    expect(await text.textContent()).toBe(HOSTILE);
    expect(await page.locator('#rows script, #rows b').count()).toBe(0);
    expect(await page.evaluate(() => (globalThis as { __xss?: number }).__xss)).toBeUndefined();
  });

  it('shows an output deleted by hand as missing, not as a broken player', async () => {
    await rm(join(dir, 'out', 'sfx', 'coin.mp3'));
    await report({ cwd: dir, out: join(dir, 'report') });
    await openReport();
    const row = page.locator('.row[data-id="coin"]');
    expect(await row.getAttribute('data-status')).toBe('missing');
    expect(await row.locator('audio[data-role=output]').count()).toBe(0);
    expect(await row.locator('.missing').first().textContent()).toContain('missing');
    expect(errors).toEqual([]);
  });

  it('stays usable with 5,000 rows: a page at a time, search and filters over all, keyboard from row to row', async () => {
    const rows: ReviewRow[] = Array.from({ length: 5000 }, (_, i) => ({
      id: `line.${String(i).padStart(4, '0')}`,
      kind: i % 5 === 0 ? 'effect' : 'voice',
      out: `out/line-${i}.mp3`,
      src: null,
      text: `Line number ${i} of the big project`,
      speaker: i % 2 === 0 ? 'Even' : 'Odd',
      language: 'en',
      model: 'm',
      params: { text: `Line number ${i}` },
      status: 'missing',
      reason: 'output missing',
      durationSeconds: null,
      loudnessLufs: null,
      truePeakDb: null,
      peaks: Array.from({ length: 120 }, (_, j) => ((i + j) % 10) / 10),
      takes: [],
    }));
    const file = join(dir, 'big.html');
    await writeFile(file, reportPage({ title: 'big', rows }));
    await page.goto(pathToFileURL(file).href);
    await page.waitForSelector('#rows .row');
    expect(await page.locator('#rows .row').count()).toBe(100);
    expect(await page.locator('#count').textContent()).toContain('of 5000');
    await page.getByRole('button', { name: 'Next page' }).click();
    expect(await page.locator('#rows .row').first().getAttribute('data-id')).toBe('line.0100');
    await page.getByLabel('Search').fill('4321');
    expect(await page.$$eval('#rows .row', (found) => found.map((r) => r.getAttribute('data-id')))).toEqual(['line.4321']);
    await page.getByLabel('Search').fill('');
    await page.getByLabel('Speaker').selectOption('Odd');
    await page.getByLabel('Kind').selectOption('effect');
    expect(await page.locator('#count').textContent()).toContain('of 500 ');
    await page.locator('#rows .row').first().focus();
    await page.keyboard.press('j');
    expect(
      await page.evaluate(() =>
        (globalThis as { document?: { activeElement?: { getAttribute(n: string): string } } }).document?.activeElement?.getAttribute(
          'data-id',
        ),
      ),
    ).toBe('line.0015');
    expect(errors).toEqual([]);
  });
});
