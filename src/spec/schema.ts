/**
 * What users write: the zod schemas for kieaudio.config.yaml and spec files. Every object is
 * strict (an unknown key is an error, so typos never silently fall back to a default; top-level
 * `x-` keys are the one exception, see extension-keys.ts), and every
 * asset parameter is nullable, because `null` means "not set here" in the defaults chain. These
 * schemas are also the source of schemas/*.json.
 */
import { z } from 'zod';
import { isRecord } from '../is-record.js';
import { MAX_CONCURRENCY } from '../project.js';
import { BudgetSchema } from './budget-schema.js';
import { CheckSchema } from './check-schema.js';
import { describeFound } from './describe.js';
import { castSchema, lexiconSchema, sceneLineSchema, sceneListSchema, sceneSchema, speakerNameSchema } from './dialogue-schema.js';
import { EXTENSION_KEYS_SCHEMA } from './extension-keys.js';
import { languageSchema, languagesSchema, localizationSchema } from './languages.js';
import {
  containerError,
  idSchema,
  integerSchema,
  modelSchema,
  outSchema,
  paramSchema,
  paramsShape,
  pathSchema,
  secondsSchema,
  unset,
} from './param-schemas.js';
import { EFFECT_PARAMS, VOICE_PARAMS } from './params.js';
import { AssetPostSchema, PostDefaultsSchema } from './post-schema.js';
import { subtitlesSchema } from './subtitles-schema.js';
import { textOrMapSchema, voicesSchema } from './text-map-schema.js';

export const DEFAULT_BASE_URL = 'https://api.kie.ai';

/** A voice line's `text` may be a map of language to text: one output per language (text-map-schema.ts). */
const voiceParamsShape = { ...paramsShape(VOICE_PARAMS), text: unset(textOrMapSchema(paramSchema(VOICE_PARAMS.text))) };
/** Voice settings that are not API parameters: never sent, never hashed. */
const voiceExtrasShape = { subtitles: unset(subtitlesSchema()) };
const effectParamsShape = paramsShape(EFFECT_PARAMS);

const mapError = containerError('a map');

/** A rate-limit window: so many requests per so many seconds, each with its default and description. */
function windowSchema(fields: { requests: [number, string]; intervalSeconds: [number, string] }) {
  return z
    .strictObject(
      {
        requests: integerSchema(1).default(fields.requests[0]).describe(fields.requests[1]),
        intervalSeconds: secondsSchema().default(fields.intervalSeconds[0]).describe(fields.intervalSeconds[1]),
      },
      { error: mapError },
    )
    .prefault({});
}

/** One asset of `kind`: its id, `out`, model and the parameters it may set. */
function assetSchema<K extends 'voice' | 'effect', P extends z.ZodRawShape>(kind: K, params: P, description: string) {
  return z
    .strictObject(
      { id: unset(idSchema()), kind: z.literal(kind), out: outSchema(), model: unset(modelSchema(kind)), ...params, post: AssetPostSchema },
      { error: containerError('a map describing one asset') },
    )
    .meta({ id: `${kind}Asset`, description: `${description} Parameters left out or null come from defaults.` });
}

export const VoiceAssetSchema = assetSchema(
  'voice',
  {
    speaker: unset(speakerNameSchema()),
    ...voiceParamsShape,
    voices: unset(voicesSchema(paramSchema(VOICE_PARAMS.voice))),
    ...voiceExtrasShape,
  },
  'A voice line (text to speech).',
);
export const EffectAssetSchema = assetSchema('effect', effectParamsShape, 'A sound effect.');

export const AssetSchema = z.discriminatedUnion('kind', [VoiceAssetSchema, EffectAssetSchema], {
  error: containerError('a map describing one asset'),
});

/** `assets:` with nothing after it is an empty list, as it is mid-edit in an editor. */
const AssetListSchema = z
  .array(AssetSchema, { error: containerError('a list of assets') })
  .nullable()
  .transform((assets) => assets ?? [])
  .describe('Voice lines and sound effects to build.');

export const VoiceDefaultsSchema = z
  .strictObject({ model: unset(modelSchema('voice')), ...voiceParamsShape, ...voiceExtrasShape }, { error: mapError })
  .meta({ id: 'voiceDefaults', description: 'Defaults for voice assets.' });

export const EffectDefaultsSchema = z
  .strictObject({ model: unset(modelSchema('effect')), ...effectParamsShape }, { error: mapError })
  .meta({ id: 'effectDefaults', description: 'Defaults for effect assets.' });

/** Scene lines are voice assets whose `kind` may be left out. */
export const SceneLineSchema = sceneLineSchema(VoiceAssetSchema.shape);

/** A scene's own settings are what a voice default may say; so are a cast entry's. */
export const SceneSchema = sceneSchema(SceneLineSchema, VoiceDefaultsSchema.shape);

/** A cast entry: voice defaults, and per language the ones that differ (`languages: { de: { voice: Lily } }`). */
export const CastEntrySchema = VoiceDefaultsSchema.extend({
  languages: unset(
    z
      .record(languageSchema(), unset(VoiceDefaultsSchema), { error: mapError })
      .describe(
        "Per-language voice parameters of this speaker (e.g. de: { voice: Lily }): for that language's outputs they sit between the asset (or its scene) and the rest of the cast entry.",
      ),
  ),
}).meta({ id: 'castEntry', description: 'A speaker: voice parameters for every line it speaks, and per language the ones that differ.' });

const CastSchema = castSchema(CastEntrySchema);
const LexiconSchema = lexiconSchema();
const SceneListSchema = sceneListSchema(SceneSchema);

export const DefaultsSchema = unset(
  z
    .strictObject({ voice: unset(VoiceDefaultsSchema), effect: unset(EffectDefaultsSchema) }, { error: mapError })
    .describe('Parameters applied to every asset of a kind that does not set them itself.'),
);

const ApiSchema = z
  .strictObject(
    {
      baseUrl: z
        .url({ protocol: /^https?$/, error: (issue) => `expected an http(s) URL, found ${describeFound(issue.input)}` })
        .refine((url) => !/^[a-z]+:\/\/[^/]*@/i.test(url), {
          error: 'expected a URL without a user name or password: the API key comes only from the environment variable KIE_API_KEY',
          params: { code: 'E_SECRET_IN_CONFIG' },
        })
        .default(DEFAULT_BASE_URL)
        .describe('kie.ai API base URL. The environment variable KIE_API_BASE_URL overrides it.'),
      rateLimit: windowSchema({
        requests: [20, 'Task creations allowed per interval.'],
        intervalSeconds: [10, 'Length of the rate-limit window in seconds.'],
      }).describe("kie.ai's limit on task creations (20 per 10 seconds)."),
      pollRateLimit: windowSchema({
        requests: [10, 'Status polls allowed per interval, across all tasks.'],
        intervalSeconds: [1, 'Length of the poll window in seconds.'],
      }).describe("kie.ai's limit on status queries (10 per second); polls are spread evenly within it."),
      requestTimeoutSeconds: secondsSchema()
        .default(30)
        .describe(
          'Longest wait for one API request (headers and each gap in the body). A create request that times out may have been charged: it is never resent on its own.',
        ),
      retry: z
        .strictObject(
          {
            attempts: integerSchema(0)
              .default(5)
              .describe('Retries of a failed request (network, 5xx, 429, a broken download) before its asset fails.'),
            initialSeconds: secondsSchema().default(0.5).describe('Backoff before the first retry; it doubles each time (with jitter).'),
            maxSeconds: secondsSchema().default(30).describe('Longest backoff between two retries.'),
          },
          { error: mapError },
        )
        .prefault({})
        .describe('Retrying failed requests with exponential backoff and jitter.'),
      poll: z
        .strictObject(
          {
            initialSeconds: secondsSchema()
              .default(2)
              .describe("First status poll after creating a task, while the model's task durations are not known yet."),
            maxSeconds: secondsSchema().default(30).describe('Longest gap between status polls.'),
            timeoutSeconds: secondsSchema()
              .default(900)
              .describe('Stop waiting after this long; the task is resumed by the next build, never resubmitted.'),
            adaptive: z
              .boolean({ error: (issue) => `expected true or false, found ${describeFound(issue.input)}` })
              .default(true)
              .describe(
                "Poll near each task's likely finish, learned from how long the model's tasks took (kept in .kieaudio/latency.json); false keeps the documented cadence.",
              ),
          },
          { error: mapError },
        )
        .refine((poll) => poll.maxSeconds >= poll.initialSeconds, {
          error: (issue) => {
            const poll = isRecord(issue.input) ? issue.input : {};
            return `expected maxSeconds (${String(poll.maxSeconds)}) to be at least initialSeconds (${String(poll.initialSeconds)})`;
          },
          path: ['maxSeconds'],
          params: { code: 'E_RANGE' },
        })
        .prefault({})
        .describe('Task status polling.'),
    },
    { error: mapError },
  )
  .prefault({})
  .describe('How kie.ai is called. The API key is never set here: it comes only from KIE_API_KEY.');

export const ModelsSchema = z
  .strictObject({ voice: unset(modelSchema('voice')), effect: unset(modelSchema('effect')) }, { error: mapError })
  .describe('Model used per kind when neither an asset nor the defaults name one.');

/** What the config and a spec file may both declare: defaults, post-processing, cast, lexicon, assets and scenes. */
const CONTENT_SHAPE = {
  defaults: DefaultsSchema,
  post: PostDefaultsSchema,
  cast: CastSchema,
  lexicon: LexiconSchema,
  assets: AssetListSchema.optional(),
  scenes: SceneListSchema,
};

export const ConfigSchema = z
  .strictObject(
    {
      version: z
        .literal(1, { error: (issue) => `expected 1 (the only config version), found ${describeFound(issue.input)}` })
        .describe('Config format version; must be 1.'),
      include: z
        .array(pathSchema('a glob pattern'), {
          error: (issue) =>
            typeof issue.input === 'string'
              ? `expected a list of glob patterns, found a single string (write it as [${JSON.stringify(issue.input)}])`
              : `expected a list of glob patterns, found ${describeFound(issue.input)}`,
        })
        .min(1, { error: 'expected at least one glob pattern, found an empty list' })
        .optional()
        .describe('Spec files: fast-glob patterns relative to the config folder, e.g. ["audio/**/*.audio.yaml"].'),
      outDir: pathSchema('a folder')
        .default('.')
        .describe('Asset `out` paths resolve against this folder (relative to the config folder).'),
      cacheDir: pathSchema('a folder')
        .default('.kieaudio/cache')
        .describe('Download cache. The environment variable KIEAUDIO_CACHE_DIR overrides it.'),
      concurrency: integerSchema(1, MAX_CONCURRENCY).default(8).describe('Most tasks in flight at once; --concurrency overrides it.'),
      api: ApiSchema,
      models: unset(ModelsSchema),
      check: CheckSchema,
      budget: BudgetSchema,
      languages: languagesSchema(),
      localization: localizationSchema(),
      ...CONTENT_SHAPE,
    },
    { error: containerError('a map (the kieaudio config)') },
  )
  .meta({
    description: 'kieaudio project config. Top-level keys starting with x- are ignored (for YAML anchors).',
    ...EXTENSION_KEYS_SCHEMA,
  });

export const SpecFileSchema = z
  .strictObject(CONTENT_SHAPE, { error: containerError('a map with an `assets` list') })
  // a file of scenes needs no `assets`; one with neither has most likely misspelled it
  .refine((spec) => spec.assets !== undefined || (spec.scenes?.length ?? 0) > 0, {
    error: 'missing required field "assets"',
    path: ['assets'],
    params: { code: 'E_REQUIRED' },
  })
  .meta({
    description:
      'A kieaudio spec file: voice lines and sound effects, and dialogue scenes. Top-level keys starting with x- are ignored (for YAML anchors).',
    ...EXTENSION_KEYS_SCHEMA,
    anyOf: [{ required: ['assets'] }, { required: ['scenes'] }],
  });

/** A config as written, validated, with zod's defaults filled in. */
export type ConfigInput = z.output<typeof ConfigSchema>;
export type SpecFileInput = z.output<typeof SpecFileSchema>;
export type AssetInput = z.output<typeof AssetSchema>;
export type DefaultsInput = NonNullable<z.output<typeof DefaultsSchema>>;
export type SceneInput = z.output<typeof SceneSchema>;
export type CastInput = NonNullable<z.output<typeof CastSchema>>;
export type LexiconInput = NonNullable<z.output<typeof LexiconSchema>>;
