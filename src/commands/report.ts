/**
 * `kieaudio report`: writes the review page (delivery/report.ts) for the whole project, to
 * `--out`, else the config's `report.out`, else `.kieaudio/report` beside the config (local state,
 * like the cache). Calls no API; decodes only audio it has not measured before.
 */
import { resolve } from 'node:path';
import type { ReportResult } from '../delivery/report.js';
import { refreshReport } from '../delivery/report.js';
import { type CommonOptions, loadSelected } from '../spec/prepare.js';

export interface ReportCommandOptions extends Omit<CommonOptions, 'only' | 'offline'> {
  /** the page's folder, relative to the working directory */
  out?: string;
  signal?: AbortSignal;
}

export async function report(options: ReportCommandOptions = {}): Promise<ReportResult> {
  const { out, signal, ...common } = options;
  const loaded = await loadSelected({ ...common, only: [] });
  const { config } = loaded.project;
  const folder = out !== undefined ? resolve(out) : (config.report?.out ?? resolve(config.stateDir, 'report'));
  return refreshReport(loaded.project, await loaded.openStore(), { out: folder, signal });
}
