import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createWatchSet } from '../../src/watch/watch-set.js';

const root = '/project';
const at = (...parts: string[]) => join(root, ...parts);
const set = createWatchSet({
  configPath: at('kieaudio.config.yaml'),
  rootDir: root,
  include: ['audio/**/*.audio.yaml', './extra/*.yaml', '!audio/drafts/**', '.hidden/*.yaml', '../shared/*.audio.yaml'],
  ignoreDirs: [at('.kieaudio'), at('audio/cache')],
});

describe('watch set', () => {
  it('matches the config, .env and what include matches, minus negations and ignored folders', () => {
    expect(set.matches(at('kieaudio.config.yaml'))).toBe(true);
    expect(set.matches(at('.env'))).toBe(true);
    expect(set.matches(at('audio/npc/smith.audio.yaml'))).toBe(true);
    expect(set.matches(at('extra/one.yaml'))).toBe(true);
    expect(set.matches(at('.hidden/one.yaml'))).toBe(true);
    expect(set.matches('/shared/common.audio.yaml')).toBe(true);

    expect(set.matches(at('audio/npc/smith.yaml'))).toBe(false);
    expect(set.matches(at('audio/drafts/wip.audio.yaml'))).toBe(false);
    expect(set.matches(at('audio/cache/x.audio.yaml'))).toBe(false);
    expect(set.matches(at('audio/.git/x.audio.yaml'))).toBe(false);
    expect(set.matches(at('audio/node_modules/x.audio.yaml'))).toBe(false);
    expect(set.matches(at('kieaudio.lock'))).toBe(false);
    expect(set.matches(at('out/npc/greet.mp3'))).toBe(false);
  });

  it('prunes folders no pattern can reach, and keeps the ones on the way to a pattern', () => {
    expect(set.ignores(root, 'dir')).toBe(false);
    expect(set.ignores(at('audio'), 'dir')).toBe(false);
    expect(set.ignores(at('audio/npc/deep'), 'dir')).toBe(false);
    expect(set.ignores(at('.hidden'), 'dir')).toBe(false);
    expect(set.ignores(at('extra'), 'dir')).toBe(false);

    expect(set.ignores(at('node_modules'), 'dir')).toBe(true);
    expect(set.ignores(at('.git'), 'dir')).toBe(true);
    expect(set.ignores(at('audio/.cache'), 'dir')).toBe(true);
    expect(set.ignores(at('.kieaudio'), 'dir')).toBe(true);
    expect(set.ignores(at('.kieaudio/cache/ab'))).toBe(true);
    expect(set.ignores(at('assets'), 'dir')).toBe(true);

    // without stats only sure answers: a path that may be a folder on the way is kept
    expect(set.ignores(at('assets'))).toBe(false);
    expect(set.ignores(at('audio/npc/smith.audio.yaml'), 'file')).toBe(false);
    expect(set.ignores(at('audio/npc/readme.md'), 'file')).toBe(true);
  });

  it('watches the config folder and pattern bases outside it', () => {
    expect(set.roots).toEqual([root, '/shared']);
  });

  it('has the same key for the same files, another for another include', () => {
    const again = createWatchSet({ configPath: at('kieaudio.config.yaml'), rootDir: root, include: ['a/*.yaml'], ignoreDirs: [] });
    const same = createWatchSet({ configPath: at('kieaudio.config.yaml'), rootDir: root, include: ['a/*.yaml'], ignoreDirs: [] });
    const other = createWatchSet({ configPath: at('kieaudio.config.yaml'), rootDir: root, include: ['b/*.yaml'], ignoreDirs: [] });
    expect(same.key).toBe(again.key);
    expect(other.key).not.toBe(again.key);
  });
});
