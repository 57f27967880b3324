/**
 * The config's `cache:` key: the shared team cache (contract, Part 2, "Shared team cache"). Only
 * the server's URL and how this project uses it are written here; the token comes only from the
 * environment (KIEAUDIO_REMOTE_CACHE_TOKEN), so a URL with a user name or password is refused.
 */
import { z } from 'zod';
import { describeFound } from './describe.js';
import { containerError, secondsSchema } from './param-schemas.js';

export const RemoteCacheSchema = z
  .strictObject(
    {
      url: z
        .url({ protocol: /^https?$/, error: (issue) => `expected an http(s) URL, found ${describeFound(issue.input)}` })
        .refine((url) => !/^[a-z]+:\/\/[^/]*@/i.test(url), {
          error:
            'expected a URL without a user name or password: the token comes only from the environment variable KIEAUDIO_REMOTE_CACHE_TOKEN',
          params: { code: 'E_SECRET_IN_CONFIG' },
        })
        .describe(
          'Base URL of the team cache (Bazel HTTP cache protocol). The environment variable KIEAUDIO_REMOTE_CACHE_URL overrides it.',
        ),
      readOnly: z
        .boolean({ error: (issue) => `expected true or false, found ${describeFound(issue.input)}` })
        .default(false)
        .describe('Only read from the team cache, never upload (--remote-cache-read-only sets it; CI on pull requests).'),
      required: z
        .boolean({ error: (issue) => `expected true or false, found ${describeFound(issue.input)}` })
        .default(false)
        .describe('Fail an asset rather than pay for it when the team cache cannot be read (down, slow, errors).'),
      timeoutSeconds: secondsSchema()
        .default(15)
        .describe(
          'The longest wait for one request to the team cache; a server slower than this is treated as down for the rest of the build.',
        ),
    },
    { error: containerError('a map such as { url: https://cache.example.com/kieaudio }') },
  )
  .describe('The shared team cache: local cache, then this server, then the API (docs/team-cache.md).');

export const CacheSchema = z
  .strictObject({ remote: RemoteCacheSchema.optional() }, { error: containerError('a map with a `remote` key') })
  .optional()
  .describe('Caches beyond the local one (cacheDir).');

export type CacheInput = z.output<typeof CacheSchema>;
