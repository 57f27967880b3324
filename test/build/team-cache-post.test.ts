/**
 * The team cache and post-processing: the output a chain derived from a raw take travels with
 * it, so a clone with the same ffmpeg restores it without running ffmpeg again.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { BuildEvent } from '../../src/index.js';
import { audibleMp3 } from '../ffmpeg/make-audio.js';
import { startWebdavCache } from '../helpers/cache-servers.js';
import { FAST_API, makeProject, simulator, tempDir } from '../helpers/project.js';
import { simEnv } from '../helpers/sim.js';
import { runBuild } from './run-build.js';

const SPEC = 'assets:\n  - { id: hello, kind: voice, text: "Hello there.", out: vo/hello.wav }\n';

const remoteOps = (events: BuildEvent[]) => events.flatMap((e) => (e.type === 'remote' ? [`${e.op} ${e.what}`] : [])).sort();

describe('a team cache with post-processing', () => {
  it('uploads the derived output beside the raw take, and a clone restores it without ffmpeg', async () => {
    const server = await startWebdavCache(onTestFinished);
    const audio = await audibleMp3(join(await tempDir(), 'result.mp3'), 0.5, 1.5, 0.7);
    const sim = await simulator({ resultAudio: () => audio });
    const config = `version: 1\ninclude: ["audio/*.audio.yaml"]\noutDir: out\n${FAST_API}cache:\n  remote: { url: "${server.url}" }\ndefaults:\n  voice: { voice: Rachel }\npost:\n  voice: { loudness: -23, truePeak: -1 }\n`;
    const files = { 'kieaudio.config.yaml': config, 'audio/a.audio.yaml': SPEC };
    const first = await makeProject(files);
    const built = await runBuild(first, simEnv(sim));
    expect(built.failures).toEqual([]);
    expect(remoteOps(built.events)).toEqual(['miss take', 'upload derived', 'upload take']);

    const second = await makeProject(files);
    const restored = await runBuild(second, simEnv(sim));
    expect(restored.failures).toEqual([]);
    expect(sim.stats().createRequests).toBe(1);
    expect(remoteOps(restored.events)).toEqual(['hit derived', 'hit take']);
    const processed = restored.events.find((e) => e.type === 'processed');
    expect(processed).toMatchObject({ from: 'derived-cache' });
    expect(await readFile(join(second, 'out/vo/hello.wav'))).toEqual(await readFile(join(first, 'out/vo/hello.wav')));
  });
});
