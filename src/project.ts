/**
 * The resolved shapes the rest of the program works with, after a config and its spec files have
 * been loaded, validated and had their defaults applied. What users write is described by the zod
 * schemas in `spec/schema.ts`; these are what the program uses.
 */
import type { AudioFormat } from './audio/format.js';
import type { Diagnostic, SourceLocation } from './errors.js';
import type { PostFormat, ResolvedPostChain } from './ffmpeg/post-chain.js';
import type { TranslatedText, TranslationInfo } from './spec/translations.js';

/** Environment variables as kieaudio reads them: process.env, filled in from a `.env` beside the config. */
export type Env = Readonly<Record<string, string | undefined>>;

export type AssetKind = 'voice' | 'effect';

export const DEFAULT_MODELS: Readonly<Record<AssetKind, string>> = {
  voice: 'elevenlabs/text-to-speech-turbo-2-5',
  effect: 'elevenlabs/sound-effect-v2',
};

/**
 * Most tasks in flight at once. kie.ai allows "100+ concurrent running tasks" per account
 * (docs/kie-api.md §4); the rate limit, not this, is what normally binds.
 */
export const MAX_CONCURRENCY = 1000;

export interface ResolvedAsset {
  /** unique in the project; defaults to `out` */
  id: string;
  kind: AssetKind;
  /** normalized POSIX path relative to outDir (no `.`/`..` segments, no leading slash) */
  out: string;
  /** model slug sent as `model` */
  model: string;
  /** exactly what is sent as `input` to createTask: defaults applied, `null`s and unset keys removed */
  input: Record<string, unknown>;
  /** what the output file is (speech is always MP3) */
  format: AudioFormat;
  /**
   * subtitle files written beside the audio from its timing data (voice lines with
   * `timestamps: true` only); absent or empty: none. Not sent, not in the spec hash.
   */
  subtitles?: readonly ('srt' | 'vtt')[];
  /** where the asset is declared; `index` is its 0-based position in that file's `assets` (a scene line's, in its scene's `lines`) */
  source: SourceLocation & { index: number };
  /**
   * Voice lines: the `text` as the user wrote it, before the lexicon (`input.text` is what is
   * sent). Subtitles, manifests and reports show this one.
   */
  writtenText?: string;
  /** set when a lexicon entry or a scene's neighbours made what `input` sends: how `plan` explains a change */
  shaping?: TextShaping;
  /** the post-processing chain that derives `out` from the raw take (absent: the raw take is `out`). Not in the spec hash. */
  post?: ResolvedPostChain;
  /** voice lines: the cast entry `speaker:` names. Not sent; manifests and reports show it. */
  speaker?: string;
  /** an output of a text map or of `{lang}` in `out`: the language it speaks (ISO 639-1) */
  language?: string;
  /** an expanded output (`<id>@<lang>`, `<id>@<voice>`, `<id>@<lang>@<voice>`): the id as declared */
  baseId?: string;
  /** an output whose text came from a string or translations table: its lock, and whether it is stale */
  translation?: TranslationInfo;
}

/**
 * A scene with `out`: its lines' outputs concatenated into one file, `gap` seconds apart
 * (build/scene-file.ts). Derived locally, never paid for.
 */
export interface ResolvedScene {
  id: string;
  /** normalized POSIX path relative to outDir, like an asset's */
  out: string;
  /** decided by the extension of `out` */
  format: PostFormat;
  /** seconds of silence between lines */
  gap: number;
  /** with `{lang}` in the scene's `out`: the language of this scene file (its id is `<scene id>@<lang>`) */
  language?: string;
  /** the lines, in order: ids and outs of their assets */
  lines: readonly { id: string; out: string }[];
  /** scene subtitle files to write: the formats any of its lines asks for */
  subtitles: readonly ('srt' | 'vtt')[];
  /** where the scene's `out` is written */
  source: SourceLocation;
}

/** The text fields that the lexicon and a scene's continuity apply to. */
export type TextField = 'text' | 'previous_text' | 'next_text';

export const TEXT_FIELDS: readonly TextField[] = ['text', 'previous_text', 'next_text'];

/** How a voice line's sent text fields were made from what was written. */
export interface TextShaping {
  /** the fields as written, before the lexicon; a field filled from a neighbour holds that line's written text */
  written: Readonly<Partial<Record<TextField, string>>>;
  /** the lexicon entries the fields use: word → what was sent in its place */
  lexicon: Readonly<Record<string, string>>;
  /** the fields filled from the neighbouring lines of a scene (continuity: neighbours) */
  neighbours: readonly TextField[];
}

export interface RateLimit {
  /** task creations allowed per interval */
  requests: number;
  intervalSeconds: number;
}

export interface ResolvedConfig {
  /** absolute path of kieaudio.config.yaml */
  configPath: string;
  /** absolute: the config's folder; include globs and relative paths resolve against it */
  rootDir: string;
  include: string[];
  /** absolute */
  outDir: string;
  /** absolute; KIEAUDIO_CACHE_DIR overrides the config */
  cacheDir: string;
  /** the shared team cache (docs/team-cache.md); KIEAUDIO_REMOTE_CACHE_URL overrides its url, and sets one up on its own */
  remoteCache?: RemoteCacheSettings | undefined;
  /** absolute: `<rootDir>/.kieaudio`, local state (journal, stat index, build lock) */
  stateDir: string;
  concurrency: number;
  api: {
    /** no trailing slash; KIE_API_BASE_URL overrides the config */
    baseUrl: string;
    rateLimit: RateLimit;
    /** status polls allowed per interval, shared by every task in flight */
    pollRateLimit: RateLimit;
    /** backoff for failed requests: `attempts` retries, from `initialSeconds` doubling to `maxSeconds` */
    retry: { attempts: number; initialSeconds: number; maxSeconds: number };
    /** the longest wait for one request; a create that times out may have been charged */
    requestTimeoutSeconds: number;
    /**
     * Status polling: the first poll comes `initialSeconds` after creation, the gap grows towards
     * `maxSeconds` (docs/kie-api.md §2 cadence), and after `timeoutSeconds` the build stops waiting and
     * leaves the task in the journal for the next build (never resubmitted). `adaptive`: once a
     * model's task durations are known, polls land near each task's likely finish instead
     * (kie/poll-plan.ts).
     */
    poll: { initialSeconds: number; maxSeconds: number; timeoutSeconds: number; adaptive: boolean };
  };
  /** model used per kind when an asset names none */
  models: Record<AssetKind, string>;
  /** the config's `defaults`, per kind, as written (nulls kept: they mean "not set here") */
  defaults: Record<AssetKind, Record<string, unknown>>;
  /** `kieaudio check`'s thresholds, defaults filled in */
  check: CheckSettings;
  /** the config's `budget:` (docs/budgets.md); `--max-credits` overrides it per run */
  budget: { maxCredits?: number };
  /** the languages the project ships (ISO 639-1), the source language first; empty: a single-language project */
  languages: readonly string[];
  localization: Localization;
  /** `manifest:`: absolute paths of the manifest files a build keeps (none: no manifest) */
  manifest?: { json?: string; csv?: string };
  /** `report:`: the absolute folder a build refreshes the review page in */
  report?: { out: string };
}

/** The config's `localization:`. */
export interface Localization {
  /** what an output whose language has no text gets: skipped with a warning, an error, or the source text */
  missing: 'warn' | 'error' | 'source';
  /** globs (relative to rootDir) of the translations tables, as written; read by the loader, not the resolver */
  translations: string[];
}

/** The config's `cache.remote`, with the environment's URL applied. The token is not here: it is read where it is used. */
export interface RemoteCacheSettings {
  /** no trailing slash */
  url: string;
  readOnly: boolean;
  required: boolean;
  /** per request; a server slower than this is treated as down for the rest of the build */
  timeoutSeconds: number;
}

/** The thresholds of `kieaudio check` (the config's `check:`). */
export interface CheckSettings {
  /** most silence allowed at either end, ms */
  maxSilenceMs: number;
  /** below this level is silence, dBFS */
  silenceThresholdDb: number;
  /** a true peak above this is clipped, dBTP */
  clipDb: number;
  /** an integrated loudness below this is silent, LUFS */
  silentLufs: number;
  /** most distance from a chain's loudness target, LU */
  loudnessToleranceLu: number;
}

export const DEFAULT_CHECK: Readonly<CheckSettings> = {
  maxSilenceMs: 500,
  silenceThresholdDb: -50,
  clipDb: -0.1,
  silentLufs: -70,
  loudnessToleranceLu: 1,
};

export interface Project {
  config: ResolvedConfig;
  /** in declaration order: config assets first, then spec files in sorted path order */
  assets: ResolvedAsset[];
  /** absolute paths of the spec files matched by `include`, sorted */
  specFiles: string[];
  /** scenes that set `out`, in declaration order (absent: none) */
  scenes?: ResolvedScene[];
  /** warnings found while loading (errors make loading throw a ValidationError instead) */
  warnings: Diagnostic[];
  /** what string and translations tables gave besides assets (`export strings` reads it); absent: not loaded from files */
  strings?: ProjectStrings;
}

/**
 * The translations of every string and translations table, and the string tables' notes. Plain
 * records, not Maps, so a Project stays what JSON carries exactly (a snapshot of it can be kept);
 * read them with Object.hasOwn, as ids are the user's words.
 */
export interface ProjectStrings {
  /** declared id → language → text */
  translations: Readonly<Record<string, Readonly<Record<string, TranslatedText>>>>;
  /** a string table's `notes` cell, by declared id; never sent, never hashed */
  notes: Readonly<Record<string, string>>;
  /** the source language the tables were read with (the first of `languages`, else inferred from their columns) */
  sourceLanguage?: string;
  /** absolute, sorted: the translations tables read (files the project came from, besides the config and spec files) */
  translationFiles: readonly string[];
}
