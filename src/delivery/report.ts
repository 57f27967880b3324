/**
 * Writing the review page (`kieaudio report`, and `build` when the config sets `report.out`):
 * `<out>/index.html`, written atomically, with the takes it plays copied into `<out>/takes/`. The
 * outputs themselves are referenced by their path relative to the page, so the page shows what
 * is at `out` now, and a folder holding both (a CI artifact of the project) plays from anywhere.
 */
import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { toKieaudioError } from '../errors.js';
import type { Project } from '../project.js';
import { writeFileAtomic } from '../store/atomic-write.js';
import { pathExists } from '../store/path-exists.js';
import type { ProjectStore } from '../store/project-store.js';
import { createMediaFacts } from './media-facts.js';
import { reviewRows } from './report-data.js';
import { reportPage } from './report-page.js';

export interface ReportOptions {
  /** absolute folder of the page */
  out: string;
  /** ids of assets the build refreshing the page failed */
  failed?: ReadonlySet<string>;
  /** write only when there is no page yet (a build that changed nothing) */
  onlyIfMissing?: boolean;
  signal?: AbortSignal | undefined;
}

export interface ReportResult {
  /** absolute path of index.html */
  page: string;
  rows: number;
  written: boolean;
}

export async function refreshReport(project: Project, store: ProjectStore, options: ReportOptions): Promise<ReportResult> {
  const page = join(options.out, 'index.html');
  if (options.onlyIfMissing && (await pathExists(page))) return { page, rows: 0, written: false };
  const rows = await reviewRows(project, store, {
    reportDir: options.out,
    media: createMediaFacts(project.config.cacheDir),
    ...(options.failed ? { failed: options.failed } : {}),
    signal: options.signal,
  });
  try {
    await mkdir(options.out, { recursive: true });
    await writeFileAtomic(page, reportPage({ title: basename(project.config.rootDir), rows }), { durable: false });
  } catch (error) {
    throw toKieaudioError(error, 'E_IO', { action: 'write', path: page });
  }
  return { page, rows: rows.length, written: true };
}
