/**
 * The team cache client against real servers: webdav-server from npm (always) and nginx's WebDAV
 * module (where installed), through a fault proxy for what goes wrong: a bad blob is never left
 * on disk, a server that does not answer is given up on at once, the token is sent and never said.
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { sha256Hex } from '../../src/remote/key.js';
import { createRemoteCache, type RemoteCache } from '../../src/remote/remote-cache.js';
import { RemoteCacheError } from '../../src/remote/remote-error.js';
import { nginxOrNotice, startNginxCache, startWebdavCache } from '../helpers/cache-servers.js';
import { startFaultProxy } from '../helpers/fault-proxy.js';
import { errorTexts } from '../helpers/http.js';
import { createTempDir } from '../helpers/temp-dir.js';

const HAS_NGINX = nginxOrNotice();

const TOKEN = 'team-token-5f1c9';

function client(url: string, options: { token?: string; timeoutMs?: number } = {}): RemoteCache {
  const remote = createRemoteCache({ url, ...options });
  onTestFinished(() => remote.close());
  return remote;
}

async function blobFile(bytes: Buffer): Promise<{ path: string; sha256: string; dir: string }> {
  const dir = await createTempDir(onTestFinished);
  const path = join(dir, 'blob');
  await writeFile(path, bytes);
  return { path, sha256: sha256Hex(bytes), dir };
}

async function failure(promise: Promise<unknown>): Promise<RemoteCacheError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof RemoteCacheError)) throw new Error(`expected a RemoteCacheError, got ${String(error)}`);
  return error;
}

async function roundTrip(remote: RemoteCache, serverDir: string): Promise<void> {
  const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => (i * 31) % 256));
  const { path, sha256, dir } = await blobFile(bytes);
  expect(await remote.hasBlob(sha256)).toBe(false);
  await remote.putBlob(sha256, path, bytes.length);
  expect(await remote.hasBlob(sha256)).toBe(true);
  expect(await readFile(join(serverDir, 'cas', sha256))).toEqual(bytes);
  const dest = join(dir, 'back');
  expect(await remote.getBlob(sha256, dest)).toBe(bytes.length);
  expect(await readFile(dest)).toEqual(bytes);
  expect(await remote.getRecord('some key')).toBeUndefined();
  await remote.putRecord('some key', { kieaudio: 1, blob: sha256 });
  expect(await remote.hasRecord('some key')).toBe(true);
  expect(await remote.getRecord('some key')).toEqual({ kieaudio: 1, blob: sha256 });
  // the record is named by the key's hash, never the key
  expect(existsSync(join(serverDir, 'ac', sha256Hex('some key')))).toBe(true);
}

describe('the team cache client', () => {
  it('stores and fetches blobs and records on webdav-server, with the Bearer token', async () => {
    const server = await startWebdavCache(onTestFinished, { token: TOKEN });
    const proxy = await startFaultProxy(server.url, onTestFinished);
    await roundTrip(client(proxy.url, { token: TOKEN }), server.dir);
    expect(new Set(proxy.authorizations)).toEqual(new Set([`Bearer ${TOKEN}`]));
  });

  it('says a refused token is the problem, without saying the token', async () => {
    const server = await startWebdavCache(onTestFinished, { token: TOKEN });
    const error = await failure(client(server.url, { token: 'wrong-token-77' }).getRecord('k'));
    expect(error.status).toBe(401);
    expect(error.message).toContain('KIEAUDIO_REMOTE_CACHE_TOKEN');
    expect(errorTexts(error).join('\n')).not.toContain('wrong-token-77');
  });

  it.skipIf(!HAS_NGINX)('stores and fetches on nginx WebDAV (create_full_put_path)', async () => {
    const server = await startNginxCache(onTestFinished);
    await roundTrip(client(server.url), server.dir);
  });

  it('refuses a blob whose bytes do not match its hash, and leaves nothing on disk', async () => {
    const server = await startWebdavCache(onTestFinished);
    const proxy = await startFaultProxy(server.url, onTestFinished);
    const remote = client(proxy.url);
    const { path, sha256, dir } = await blobFile(Buffer.from('the real take'));
    await remote.putBlob(sha256, path, 13);
    proxy.fault = 'corrupt';
    const dest = join(dir, 'fetched');
    expect((await failure(remote.getBlob(sha256, dest))).kind).toBe('bad-blob');
    expect(existsSync(dest)).toBe(false);
    expect((await failure(remote.getBlobBytes(sha256))).kind).toBe('bad-blob');
  });

  it('gives up on a server that resets connections, without asking it again', async () => {
    const server = await startWebdavCache(onTestFinished);
    const proxy = await startFaultProxy(server.url, onTestFinished);
    proxy.fault = 'down';
    const remote = client(proxy.url);
    expect((await failure(remote.getRecord('a'))).kind).toBe('down');
    const seen = proxy.counts.GET ?? 0;
    expect((await failure(remote.getRecord('b'))).kind).toBe('down');
    expect(proxy.counts.GET ?? 0).toBe(seen);
    expect(remote.downReason).toContain('did not answer');
  });

  it('times out a server that never answers', async () => {
    const server = await startWebdavCache(onTestFinished);
    const proxy = await startFaultProxy(server.url, onTestFinished);
    proxy.fault = 'slow';
    const error = await failure(client(proxy.url, { timeoutMs: 200 }).hasRecord('a'));
    expect(error.kind).toBe('down');
  });

  it('reports an HTTP 500 as an error of that request only', async () => {
    const server = await startWebdavCache(onTestFinished);
    const proxy = await startFaultProxy(server.url, onTestFinished);
    proxy.fault = 'error';
    const remote = client(proxy.url);
    expect((await failure(remote.getRecord('a'))).status).toBe(500);
    proxy.fault = 'pass';
    expect(await remote.getRecord('a')).toBeUndefined();
  });

  it('fails an upload whose connection is cut half-way', async () => {
    const server = await startWebdavCache(onTestFinished);
    const proxy = await startFaultProxy(server.url, onTestFinished);
    proxy.fault = 'drop-upload';
    const bytes = Buffer.alloc(200_000, 7);
    const { path, sha256 } = await blobFile(bytes);
    const remote = client(proxy.url);
    await failure(remote.putBlob(sha256, path, bytes.length));
    expect(existsSync(join(server.dir, 'cas', sha256))).toBe(false);
  });
});

describe('a blob stored with the wrong bytes', () => {
  it('is not taken as present once it was served wrong, so the next upload replaces it', async () => {
    const server = await startWebdavCache(onTestFinished, {});
    const remote = client(server.url);
    const bytes = Buffer.from('the take as it should be');
    const { path, sha256, dir } = await blobFile(bytes);
    // damaged on the server's disk: WebDAV servers do not check what a blob's name says
    await writeFile(join(server.dir, 'cas', sha256), 'something else entirely');
    expect(await remote.hasBlob(sha256)).toBe(true);
    expect((await failure(remote.getBlob(sha256, join(dir, 'back')))).kind).toBe('bad-blob');
    expect(await remote.hasBlob(sha256)).toBe(false);
    await remote.putBlob(sha256, path, bytes.length);
    expect(await readFile(join(server.dir, 'cas', sha256))).toEqual(bytes);
  });
});
