/** `cache.remote` in the config, and the environment's overrides of it (contract, Part 2, "Shared team cache"). */
import { describe, expect, test } from 'vitest';
import { resolveTexts, where } from './helpers.js';

const REMOTE = 'version: 1\ncache:\n  remote:\n    url: https://cache.example.com/kieaudio/\n    readOnly: true\n';

describe('cache.remote', () => {
  test('resolves with its defaults; no trailing slash', () => {
    const config = resolveTexts({ config: REMOTE }).project?.config;
    expect(config?.remoteCache).toEqual({ url: 'https://cache.example.com/kieaudio', readOnly: true, required: false, timeoutSeconds: 15 });
    expect(resolveTexts({ config: 'version: 1\n' }).project?.config.remoteCache).toBeUndefined();
  });

  test('KIEAUDIO_REMOTE_CACHE_URL overrides the url, and alone sets up a read-write cache', () => {
    const env = { KIEAUDIO_REMOTE_CACHE_URL: 'http://10.0.0.5:8080' };
    expect(resolveTexts({ config: REMOTE, env }).project?.config.remoteCache).toMatchObject({
      url: 'http://10.0.0.5:8080',
      readOnly: true,
    });
    expect(resolveTexts({ config: 'version: 1\n', env }).project?.config.remoteCache).toEqual({
      url: 'http://10.0.0.5:8080',
      readOnly: false,
      required: false,
      timeoutSeconds: 15,
    });
  });

  test('a URL with a password is refused, in the config and in the environment, without showing it', () => {
    const inConfig = resolveTexts({ config: 'version: 1\ncache:\n  remote: { url: "https://u:s3cret@cache.example.com" }\n' });
    expect(inConfig.project).toBeUndefined();
    expect(inConfig.parseDiagnostics.map((d) => d.message).join('\n')).toContain('KIEAUDIO_REMOTE_CACHE_TOKEN');
    const inEnv = resolveTexts({ config: REMOTE, env: { KIEAUDIO_REMOTE_CACHE_URL: 'https://u:s3cret@cache.example.com' } });
    expect(inEnv.diagnostics.map(where)).toEqual(['kieaudio.config.yaml:4:10 E_ENV cache.remote.url']);
    expect(JSON.stringify(inEnv.diagnostics)).not.toContain('s3cret');
  });

  test('an unknown key under cache.remote is an error', () => {
    const result = resolveTexts({ config: 'version: 1\ncache:\n  remote: { url: "https://c.example.com", token: abc }\n' });
    expect(result.parseDiagnostics.map((d) => d.code)).toContain('E_UNKNOWN_KEY');
  });
});
