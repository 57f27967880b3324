/**
 * Issue #16, damaged journal files (invalid JSON, truncated, empty: what a kill -9 during a disk
 * fault or a bad copy of `.kieaudio/` leaves). They are never a silent reason to pay: `plan`
 * shows what they still tell without touching them, and a build moves each one aside (never
 * deletes it), reports it, resumes a task whose id is still legible, and holds as maybe charged
 * an asset whose entry tells nothing more.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { plan } from '../../src/commands/plan.js';
import { specHash } from '../../src/spec/hash.js';
import { openJournal } from '../../src/store/journal.js';
import { FAST_API, makeProject, simulator } from '../helpers/project.js';
import { simEnv } from '../helpers/sim.js';
import { runBuild } from './run-build.js';

const MODEL = 'elevenlabs/text-to-speech-turbo-2-5';
const CONFIG = `version: 1
include: ["audio/*.audio.yaml"]
outDir: out
defaults: { voice: { voice: Rachel } }
${FAST_API}`;
const TEXTS = { a: 'A line whose task was paid for.', b: 'A line whose record was lost.', c: 'A line with no record at all.' };
const SPEC = `assets:\n${Object.entries(TEXTS)
  .map(([id, text]) => `  - { id: ${id}, kind: voice, text: "${text}", out: ${id}.mp3 }`)
  .join('\n')}\n`;

describe('damaged journal files', () => {
  it('are moved aside and reported; a legible task id is resumed, an entry that tells nothing more is held', async () => {
    const sim = await simulator();
    const dir = await makeProject({ 'kieaudio.config.yaml': CONFIG, 'audio/a.audio.yaml': SPEC });
    const env = simEnv(sim);
    const journalDir = join(dir, '.kieaudio', 'journal');
    await mkdir(journalDir, { recursive: true });
    const { apiId } = openJournal(join(dir, '.kieaudio'), sim.url);
    const hash = (id: keyof typeof TEXTS) => specHash(MODEL, { text: TEXTS[id], voice: 'Rachel' });

    // a's task was created (and charged) by an earlier build; its entry was cut off mid-write
    const created = await fetch(`${sim.url}/api/v1/jobs/createTask`, {
      method: 'POST',
      headers: { authorization: 'Bearer sim-key', 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, input: { text: TEXTS.a, voice: 'Rachel' } }),
    });
    const taskId = ((await created.json()) as { data: { taskId: string } }).data.taskId;
    await writeFile(
      join(journalDir, `${hash('a')}.${apiId}.json`),
      `{"specHash":"${hash('a')}","state":"created","taskId":"${taskId}","mo`,
    );
    // b's entry is empty: a create may have been sent for it
    await writeFile(join(journalDir, `${hash('b')}.${apiId}.json`), '');
    // and a file that is no entry at all
    await writeFile(join(journalDir, 'notes.json'), 'not json');

    // plan tells, and touches nothing
    const planned = await plan({ cwd: dir, env });
    expect(planned.plan.items.map((i) => i.action.type)).toEqual(['resume', 'hold', 'generate']);
    expect(planned.plan.items[1]?.reason).toMatch(/maybe charged \(its journal entry is damaged\)/);
    expect((await readdir(journalDir)).sort()).toEqual([`${hash('a')}.${apiId}.json`, `${hash('b')}.${apiId}.json`, 'notes.json'].sort());

    // an --offline build (placeholders, its own simulator) cannot act on them: it leaves them be
    const offline = await runBuild(dir, {}, { offline: true });
    expect(offline.summary).toMatchObject({ generated: 3, failed: 0 });
    expect((await readdir(journalDir)).filter((n) => n.endsWith('.json')).length).toBe(3);

    const tasks = sim.stats().tasksCreated;
    const built = await runBuild(dir, env);
    const warnings = built.events.flatMap((e) => (e.type === 'warning' && e.code === 'W_JOURNAL_DAMAGED' ? [e.message] : []));
    expect(warnings).toHaveLength(3);
    expect(warnings.join('\n')).toContain(`it names task ${taskId}, which this build resumes`);
    expect(warnings.join('\n')).toContain('its spec is held as maybe charged');
    // a file whose name no journal of this API gives is not this build's to move
    expect(warnings.join('\n')).toMatch(/notes\.json is damaged \(not a journal entry\) and is not this API's: left where it is/);
    // a came from its paid task; b was not sent; c was generated
    expect(built.summary).toMatchObject({ generated: 1, resumed: 1, held: 1, failed: 0 });
    expect(sim.stats().tasksCreated - tasks).toBe(1);
    expect(built.events.find((e) => e.type === 'generated' && e.out === 'a.mp3')).toMatchObject({ taskId });
    // nothing was deleted: this API's damaged files are kept aside, the other left where it was
    expect((await readdir(join(journalDir, 'damaged'))).length).toBe(2);
    expect(await readdir(journalDir)).toContain('notes.json');
    // b stays held on the next build, until the user says otherwise
    const again = await runBuild(dir, env);
    expect(again.summary).toMatchObject({ held: 1, upToDate: 2 });
    const resent = await runBuild(dir, env, { resendUnanswered: true });
    expect(resent.summary).toMatchObject({ generated: 1, held: 0 });
  });
});
