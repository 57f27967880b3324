import { basename, dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isTempName, releaseTemp, tempPathFor } from '../../src/store/atomic-write.js';

describe('temp paths', () => {
  it('are hidden files beside the target, unique, owned by this process, and recognised as temp files', () => {
    const seen = new Set<string>();
    for (const path of [join('/tmp', 'out', 'voice', 'a.mp3'), join('out', 'b.ogg'), 'c.wav', join('/', 'd.mp3')]) {
      for (let i = 0; i < 3; i++) {
        const temp = tempPathFor(path);
        releaseTemp(temp);
        expect(dirname(temp), path).toBe(dirname(path));
        expect(basename(temp).startsWith(`.${basename(path)}.${process.pid}.`), temp).toBe(true);
        expect(isTempName(basename(temp)), temp).toBe(true);
        seen.add(temp);
      }
    }
    expect(seen.size).toBe(12);
  });
});
