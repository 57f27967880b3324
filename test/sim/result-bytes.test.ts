import { afterEach, describe, expect, it } from 'vitest';
import { closeHarnesses, EFFECT, harness, resultUrlOf } from './harness.js';

afterEach(closeHarnesses);

/** pcm_48000 is 96,000 bytes a second: 55 s is about 5 MB a result. */
const RESULT_SECONDS = 55;
const TASKS = 20;

describe('result bytes', () => {
  it('are not held by the simulator: a result costs memory only while it is sent, and is the same bytes at every download', async () => {
    const h = await harness({ resultSeconds: RESULT_SECONDS });
    const before = process.memoryUsage().arrayBuffers;
    const ids: string[] = [];
    for (let i = 0; i < TASKS; i++) ids.push(await h.createTask(EFFECT, { text: `Rain, take ${i}`, output_format: 'pcm_48000' }));
    // Held results would be TASKS × 5 MB of buffers (the --offline build runs this server in its
    // own process); rendered when asked, they are garbage once sent.
    const grownMb = (process.memoryUsage().arrayBuffers - before) / 2 ** 20;
    expect(grownMb).toBeLessThan(TASKS);

    const first = ids[0] ?? '';
    const url = resultUrlOf(await h.finish(first));
    const served = await h.get(url);
    expect(served.bytes.length).toBe(RESULT_SECONDS * 96_000);
    expect(served.bytes.equals((await h.get(url)).bytes), 'the same bytes on a second download').toBe(true);
    expect(served.bytes.equals(h.sim.task(first)?.result ?? Buffer.alloc(0)), 'task().result is what was served').toBe(true);
  });
});
