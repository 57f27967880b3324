/**
 * After a build's work: the manifest and the review page, when the config asks for them
 * (docs/manifest.md). Both modules load only for projects that have them.
 */
import type { Project } from '../project.js';
import type { ProjectStore } from '../store/project-store.js';
import type { Tally } from './tally.js';

/** The manifest files that `--frozen` finds missing or out of date (none configured: none). */
export async function frozenManifests(project: Project, store: ProjectStore): Promise<string[]> {
  if (project.config.manifest === undefined) return [];
  const { refreshManifest } = await import('../delivery/manifest.js');
  return (await refreshManifest(project, store.lock, { frozen: true })).stale;
}

/**
 * After the work: the manifest and the review page, when the config asks for them. The manifest is
 * compared and written only where it differs; the page is made again when outputs changed (or it
 * is missing), from the cache's measurements.
 */
export async function deliver(project: Project, store: ProjectStore, tally: Tally, signal: AbortSignal | undefined): Promise<void> {
  const { manifest, report } = project.config;
  if (manifest === undefined && report === undefined) return;
  const { refreshManifest } = await import('../delivery/manifest.js');
  const onWarning = (w: { asset: string; message: string }) => tally.emit({ type: 'warning', code: 'E_FFMPEG_FAILED', ...w });
  const written = await refreshManifest(project, store.lock, { signal, onWarning });
  if (report === undefined) return;
  const { summary } = tally;
  const changed = summary.generated + summary.resumed + summary.recovered + summary.restored + summary.failed > 0;
  const { refreshReport } = await import('../delivery/report.js');
  const failed = new Set(tally.failures.map((f) => f.asset));
  await refreshReport(project, store, { out: report.out, failed, signal, onlyIfMissing: !changed && written.written.length === 0 });
}
