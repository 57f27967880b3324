/**
 * The journal kept true before and after a build's work. Entries whose work is done go; a
 * `creating` entry left by a build that stopped before its answer becomes `unanswered` (it may
 * have been charged, and stays until the asset is built another way or the user sends it again);
 * damaged files are moved aside and what they still tell is kept; entries of another API are
 * mentioned once. Each of these is said once, as a warning.
 */
import { displayPath } from '../errors.js';
import type { BuildEvent } from '../events.js';
import type { Plan } from '../plan/decide.js';
import type { JournalFacts, UnansweredCreate } from '../plan/journal-facts.js';
import type { DamagedJournalFile, JournalEntry } from '../store/journal.js';
import type { BuildContext } from './context.js';

/** Before any work. */
export async function tidyJournal(ctx: BuildContext, journal: JournalFacts, plan: Plan): Promise<void> {
  for (const entry of journal.finished) await ctx.store.journal.remove(entry.specHash);
  for (const file of journal.damaged) await setAside(ctx, file, journal);
  for (const u of journal.unanswered.values()) if (u.why === 'interrupted' && u.entry) await keepUnanswered(ctx, u.entry);
  // an asset already up to date was built another way: its spec's unanswered request is moot
  const upToDate = new Set(plan.items.filter((i) => i.action.type === 'up-to-date').map((i) => i.specHash));
  for (const specHash of journal.unanswered.keys()) if (upToDate.has(specHash)) await ctx.store.journal.remove(specHash);
  reportForeign(journal.foreign, ctx.emit);
  for (const file of journal.foreignDamaged) {
    ctx.emit({
      type: 'warning',
      code: 'W_JOURNAL_DAMAGED',
      message: `journal file ${displayPath(file.path)} is damaged (${file.problem}) and is not this API's: left where it is for a build against the API that wrote it`,
    });
  }
}

/** After the free work: a spec restored or adopted from what kieaudio had needs no resending. */
export async function clearUnansweredRestored(
  ctx: BuildContext,
  unanswered: ReadonlyMap<string, UnansweredCreate>,
  plan: Plan,
): Promise<void> {
  for (const item of plan.items) {
    if (!unanswered.has(item.specHash) || (item.action.type !== 'restore' && item.action.type !== 'adopt')) continue;
    if (ctx.lockWriter.lock.assets[item.asset.out]?.specHash === item.specHash) await ctx.store.journal.remove(item.specHash);
  }
}

async function keepUnanswered(ctx: BuildContext, entry: JournalEntry): Promise<void> {
  await ctx.store.journal.record({ ...entry, state: 'unanswered' });
  ctx.emit({
    type: 'warning',
    code: 'W_MAYBE_CHARGED',
    message: `an interrupted build sent a create request for ${entry.out} at ${entry.createdAt} and stopped before the answer came: that task may have been charged, and the API cannot find it. It is not sent again on its own: kieaudio build --resend-unanswered does`,
  });
}

/** Moves a damaged journal file aside and keeps, as a proper entry, what it still tells. */
async function setAside(ctx: BuildContext, file: DamagedJournalFile, journal: JournalFacts): Promise<void> {
  const aside = await ctx.store.journal.moveAside(file);
  const { specHash } = file;
  const resumable = specHash === undefined ? undefined : journal.resumable.get(specHash);
  if (resumable !== undefined && resumable.taskId === file.taskId) await ctx.store.journal.record(resumable);
  else if (specHash !== undefined && journal.unanswered.get(specHash)?.why === 'damaged') {
    await ctx.store.journal.record({
      specHash,
      state: 'unanswered',
      model: '',
      baseUrl: ctx.project.config.api.baseUrl,
      out: '',
      createdAt: '',
    });
  }
  const told = file.taskId
    ? `it names task ${file.taskId}, which this build resumes`
    : specHash
      ? 'its spec is held as maybe charged'
      : 'it tells nothing more';
  ctx.emit({
    type: 'warning',
    code: 'W_JOURNAL_DAMAGED',
    message: `journal file ${file.name} is damaged (${file.problem}); moved to ${displayPath(aside)}; ${told}`,
  });
}

function reportForeign(foreign: readonly JournalEntry[], emit: (event: BuildEvent) => void): void {
  const byApi = new Map<string, number>();
  for (const e of foreign) byApi.set(e.baseUrl, (byApi.get(e.baseUrl) ?? 0) + 1);
  for (const [baseUrl, count] of byApi) {
    emit({
      type: 'warning',
      code: 'W_FOREIGN_TASKS',
      message: `${count} task${count === 1 ? '' : 's'} created on ${baseUrl} ${count === 1 ? 'is' : 'are'} still in the journal; a build against that API resumes ${count === 1 ? 'it' : 'them'}`,
    });
  }
}
