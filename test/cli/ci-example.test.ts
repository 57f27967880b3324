/**
 * examples/ci/audio.yml: docs/ci.md shows it verbatim, its jobs do what that page says, and the
 * pull-request check's script behaves as documented when run against the real binary.
 */
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ConfigSchema } from '../../src/spec/schema.js';
import { makeAudio } from '../ffmpeg/make-audio.js';
import { BIN, REPO_ROOT } from '../helpers/repo.js';
import { NPC, smallProject } from '../helpers/small-project.js';

const exec = promisify(execFile);
const text = await readFile(join(REPO_ROOT, 'examples/ci/audio.yml'), 'utf8');

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
}
interface Job {
  if: string;
  permissions: Record<string, string>;
  concurrency?: { group: string; 'cancel-in-progress': boolean };
  steps: Step[];
}
const workflow = parse(text) as { on: { pull_request: unknown; push: { branches: string[] } }; jobs: { check: Job; generate: Job } };
const { check, generate } = workflow.jobs;

describe('the GitHub Actions example', () => {
  it('is in docs/ci.md verbatim', async () => {
    const page = await readFile(join(REPO_ROOT, 'docs', 'ci.md'), 'utf8');
    expect(page).toContain(`\`\`\`yaml\n${text}\`\`\``);
  });

  it('checks pull requests with --frozen and no secrets', () => {
    expect(workflow.on).toHaveProperty('pull_request');
    expect(check.if).toBe("github.event_name == 'pull_request'");
    expect(check.permissions).toEqual({ contents: 'read' });
    expect(check.steps.some((s) => s.run?.includes('npx kieaudio build --frozen'))).toBe(true);
    expect(JSON.stringify(check)).not.toContain('secrets');
  });

  it('generates on main with the key from secrets, keeping .kieaudio between runs even when a build fails', () => {
    expect(workflow.on.push.branches).toEqual(['main']);
    expect(generate.if).toBe("github.event_name == 'push'");
    expect(generate.concurrency?.['cancel-in-progress']).toBe(false);
    const build = generate.steps.find((s) => s.run === 'npx kieaudio build');
    // a GitHub Actions expression, not a template literal
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the workflow's own syntax
    expect(build?.env).toEqual({ KIE_API_KEY: '${{ secrets.KIE_API_KEY }}' });
    const restore = generate.steps.find((s) => s.uses?.startsWith('actions/cache/restore@'));
    const save = generate.steps.find((s) => s.uses?.startsWith('actions/cache/save@'));
    expect(restore?.with?.path).toBe('.kieaudio');
    expect(save?.with?.path).toBe('.kieaudio');
    expect(save?.if).toBe('always()');
    expect(generate.steps.indexOf(restore ?? {})).toBeLessThan(generate.steps.indexOf(build ?? {}));
    expect(generate.steps.indexOf(save ?? {})).toBeGreaterThan(generate.steps.indexOf(build ?? {}));
    // what is kept holds the default cache folder (and the journal beside it)
    expect(ConfigSchema.parse({ version: 1 }).cacheDir.startsWith(`${restore?.with?.path}/`)).toBe(true);
    expect(generate.steps.at(-1)?.run).toContain('git add kieaudio.lock');
  });

  it('runs the quality gate on pull requests after an --offline build, and on main after generation, before the commit', () => {
    const frozen = check.steps.findIndex((s) => s.run?.includes('--frozen'));
    const gate = check.steps.findIndex((s) => s.run?.includes('npx kieaudio check'));
    expect(gate).toBeGreaterThan(frozen);
    const lines = check.steps[gate]?.run?.trim().split('\n') ?? [];
    expect(lines).toEqual(['npx kieaudio build --offline', 'npx kieaudio check']);
    const build = generate.steps.findIndex((s) => s.run === 'npx kieaudio build');
    const checked = generate.steps.findIndex((s) => s.run === 'npx kieaudio check');
    const commit = generate.steps.findIndex((s) => s.run?.includes('git commit'));
    expect(build).toBeLessThan(checked);
    expect(checked).toBeLessThan(commit);
    // a failed check fails the run, but what was paid for is still committed
    expect(generate.steps[checked]?.if).toBeUndefined();
    // a GitHub Actions expression, not a template literal
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the workflow's own syntax
    expect(generate.steps[commit]?.if).toBe('${{ !cancelled() }}');
  });

  describe("the pull-request quality gate's script", () => {
    const script = (check.steps.find((s) => s.run?.includes('npx kieaudio check'))?.run ?? '').replaceAll(
      'npx kieaudio',
      `node ${JSON.stringify(BIN)}`,
    );

    it('passes a project whose new lines are audible placeholders, and fails on a silent committed file', async () => {
      const dir = await smallProject();
      const env = { PATH: process.env.PATH ?? '', CI: 'true' };
      await exec('bash', ['-e', '-c', script], { cwd: dir, env });
      await makeAudio(join(dir, 'out', 'npc', 'bye.mp3'), 'anullsrc=r=44100:cl=mono', ['-t', '1', '-c:a', 'libmp3lame']);
      const failed = await exec('bash', ['-e', '-c', script], { cwd: dir, env }).then(
        () => ({ code: 0, stdout: '' }),
        (error: { code: number; stdout: string }) => error,
      );
      expect(failed.code).toBe(1);
      expect(failed.stdout).toContain('npc/bye.mp3  silent');
    });
  });

  describe("the pull-request check's script", () => {
    const script = (check.steps.find((s) => s.run?.includes('--frozen'))?.run ?? '').replaceAll(
      'npx kieaudio',
      `node ${JSON.stringify(BIN)}`,
    );
    const runScript = async (cwd: string) => {
      try {
        const { stdout } = await exec('bash', ['-e', '-c', script], { cwd, env: { PATH: process.env.PATH ?? '', CI: 'true' } });
        return { code: 0, stdout };
      } catch (error) {
        const e = error as { code: number; stdout: string };
        return { code: e.code, stdout: e.stdout };
      }
    };

    it('passes with a notice when the merge will generate assets', async () => {
      const dir = await smallProject();
      const result = await runScript(dir);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('::notice::');
    });

    it('fails on an invalid spec', async () => {
      const dir = await smallProject();
      await writeFile(join(dir, NPC), (await readFile(join(dir, NPC), 'utf8')).replace('stability: 0.4', 'stability: 4'));
      expect((await runScript(dir)).code).toBe(2);
    });
  });
});
