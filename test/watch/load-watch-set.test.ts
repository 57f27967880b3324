import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadWatchSet } from '../../src/watch/load-watch-set.js';
import { makeProject } from '../helpers/project.js';

describe('loadWatchSet', () => {
  it('watches the translations tables beside the spec files; only spec files are counted as such', async () => {
    const config = 'version: 1\ninclude: ["audio/*.csv"]\nlanguages: [en, de]\nlocalization: { translations: ["l10n/*.csv"] }\n';
    const dir = await makeProject({
      'kieaudio.config.yaml': config,
      'audio/lines.csv': 'id,out,text.en\na,{lang}/a.mp3,Hi.\n',
      'l10n/de.csv': 'id,text.de\na,Hallo.\n',
    });
    const loaded = await loadWatchSet(join(dir, 'kieaudio.config.yaml'), {});
    expect(loaded?.specFiles).toBe(1);
    expect(loaded?.set.matches(join(dir, 'l10n/de.csv'))).toBe(true);
    expect(loaded?.set.matches(join(dir, 'l10n/fr.csv'))).toBe(true);
    expect(loaded?.set.matches(join(dir, 'l10n/notes.txt'))).toBe(false);
  });
});
