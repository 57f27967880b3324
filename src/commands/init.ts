/** `init`: a starter config and spec file, so a new project builds (with --offline) at once. */
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { KieaudioError, toKieaudioError } from '../errors.js';
import { CONFIG_FILE_NAME } from '../spec/load.js';
import { pathExists } from '../store/path-exists.js';

const SCHEMA_BASE = 'node_modules/kieaudio/schemas';

const CONFIG = `# yaml-language-server: $schema=${SCHEMA_BASE}/kieaudio.config.schema.json
version: 1
include: ["audio/**/*.audio.yaml"]
outDir: assets/audio
concurrency: 8
defaults:
  voice: { voice: Rachel, stability: 0.5 }
  effect: { output_format: mp3_44100_128 }
`;

const SPEC = `# yaml-language-server: $schema=../${SCHEMA_BASE}/kieaudio.spec.schema.json
assets:
  - id: hello
    kind: voice
    text: "Hello! Welcome to the game."
    out: voice/hello.mp3
  - id: click
    kind: effect
    text: "Soft wooden UI click"
    duration_seconds: 0.5
    out: sfx/click.mp3
`;

const GITIGNORE = `# kieaudio's local state: download cache and tasks in flight
.kieaudio/
.env
`;

export interface InitResult {
  written: string[];
}

/** Writes the starter files into `dir`; refuses to overwrite an existing config. */
export async function init(options: { dir?: string } = {}): Promise<InitResult> {
  const dir = options.dir ?? process.cwd();
  const configPath = join(dir, CONFIG_FILE_NAME);
  if (await pathExists(configPath)) {
    throw new KieaudioError('E_USAGE', `${CONFIG_FILE_NAME} already exists here; init leaves it alone`);
  }
  const written: string[] = [];
  await create(configPath, CONFIG);
  written.push(CONFIG_FILE_NAME);
  const specPath = join(dir, 'audio', 'example.audio.yaml');
  if (!(await pathExists(specPath))) {
    await mkdir(join(dir, 'audio'), { recursive: true });
    await create(specPath, SPEC);
    written.push('audio/example.audio.yaml');
  }
  const gitignore = join(dir, '.gitignore');
  if (!(await pathExists(gitignore))) {
    await create(gitignore, GITIGNORE);
    written.push('.gitignore');
  } else {
    const text = await readFile(gitignore, 'utf8');
    const lines = text.split(/\r?\n/).map((l) => l.trim());
    const missing = ['.kieaudio/', '.env'].filter((entry) => !lines.includes(entry) && !lines.includes(`/${entry}`));
    if (missing.length > 0) {
      await appendFile(gitignore, `${text.endsWith('\n') || text === '' ? '' : '\n'}${GITIGNORE.split('\n')[0]}\n${missing.join('\n')}\n`);
      written.push(`.gitignore (added ${missing.join(', ')})`);
    }
  }
  return { written };
}

/** A new file; a refusal says "cannot write", which open() alone cannot tell from a read. */
async function create(path: string, text: string): Promise<void> {
  await writeFile(path, text, { flag: 'wx' }).catch((error: unknown) => {
    throw toKieaudioError(error, 'E_IO', { action: 'write' });
  });
}
