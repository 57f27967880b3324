import { describe, expect, test } from 'vitest';
import { localizationSettings } from '../../src/spec/localization-settings.js';
import type { ConfigInput } from '../../src/spec/schema.js';

describe('localizationSettings', () => {
  test('reads `languages` and `localization.translations` when the config has them', () => {
    const config = { languages: ['en', 'de'], localization: { missing: 'warn', translations: ['l10n/*.csv'] } } as unknown as ConfigInput;
    expect(localizationSettings(config)).toEqual({ languages: ['en', 'de'], translations: ['l10n/*.csv'] });
  });

  test('none declared, or no valid config: no languages, no translations tables', () => {
    expect(localizationSettings(undefined)).toEqual({ languages: [], translations: [] });
    expect(localizationSettings({ version: 1 } as unknown as ConfigInput)).toEqual({ languages: [], translations: [] });
  });
});
