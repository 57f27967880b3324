/**
 * `kieaudio takes`: the takes of an asset as a table for people, and as one JSON document for
 * machines (json-lines.ts `takes`).
 */
import type { TakesResult } from '../commands/takes.js';
import type { JsonLinePayload } from './json-lines.js';

export function renderTakes(result: TakesResult): string {
  const { asset, takes } = result;
  if (takes.length === 0) return `${asset.id} (${asset.out}) has no takes yet: kieaudio build makes the first`;
  const rows = takes.map((t) => [
    `${t.n}`,
    t.generatedAt ?? '-',
    t.taskId ?? '-',
    t.credits === undefined ? '-' : `${t.credits}`,
    [t.current ? 'current' : '', t.pinned ? 'pinned' : '', t.missing ? 'missing from the cache' : '', t.placeholder ? 'placeholder' : '']
      .filter(Boolean)
      .join(', '),
  ]);
  const header = ['take', 'date', 'task', 'credits', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [`${asset.id} (${asset.out})`, line(header), ...rows.map(line)].join('\n');
}

export function takesLine(result: TakesResult): JsonLinePayload {
  return {
    type: 'takes',
    asset: result.asset.id,
    out: result.asset.out,
    specHash: result.specHash,
    takes: result.takes.map((t) => ({
      take: t.n,
      contentHash: t.contentHash,
      size: t.size,
      ...(t.generatedAt === undefined ? {} : { generatedAt: t.generatedAt }),
      ...(t.taskId === undefined ? {} : { taskId: t.taskId }),
      ...(t.credits === undefined ? {} : { credits: t.credits }),
      placeholder: t.placeholder === true,
      current: t.current,
      pinned: t.pinned,
      missing: t.missing,
    })),
  };
}
