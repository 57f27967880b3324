/**
 * The way into the sidecar writer (sidecars.ts) from the install paths: it, the timing sources
 * and the cue builder load only in a build that has sidecars to look after, so that the common
 * build — a no-op — does not pay for loading them.
 */
import type { PlannedAsset } from '../plan/decide.js';
import type { TimingsDoc } from '../timings/timings-doc.js';
import type { BuildContext } from './context.js';

export async function installSidecarsOf(ctx: BuildContext, item: PlannedAsset, fresh?: TimingsDoc, alone = false): Promise<void> {
  if (item.sidecars === undefined) return;
  const { installSidecars } = await import('./sidecars.js');
  await installSidecars(ctx, item, fresh, alone);
}
