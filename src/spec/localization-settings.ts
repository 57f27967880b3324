/**
 * The config keys string and translations tables read, `languages` and
 * `localization.translations` (contract, "Languages and voice matrices"), in one place: the
 * config schema gains them with the languages work (src/spec/schema.ts), and reading them only
 * through here keeps that change to this file.
 */
import { isRecord } from '../is-record.js';
import type { ResolvedConfig } from '../project.js';
import type { ConfigInput } from './schema.js';

export interface LocalizationSettings {
  /** what the project ships, the source language first; empty: none declared */
  languages: readonly string[];
  /** globs of translations tables, relative to the config folder */
  translations: readonly string[];
}

/** From the validated config (while loading) or the resolved one (commands). */
export function localizationSettings(config: ConfigInput | ResolvedConfig | undefined): LocalizationSettings {
  const value: unknown = config;
  if (!isRecord(value)) return { languages: [], translations: [] };
  const localization = value.localization;
  return {
    languages: strings(value.languages),
    translations: isRecord(localization) ? strings(localization.translations) : [],
  };
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
