import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeOutputFormat, SPEECH_FORMAT } from '../../src/audio/format.js';
import { wavHeader } from '../../src/audio/wav.js';
import { downloadResult } from '../../src/build/download-result.js';
import { type ApiError, KieaudioError } from '../../src/errors.js';
import { createKieClient, type KieClient } from '../../src/kie/client.js';
import { isTempName } from '../../src/store/atomic-write.js';
import { errorTexts, sendJson, startServer, type TestServer } from '../helpers/http.js';

const KEY = 'sk-download-secret-998877';
const PCM16 = describeOutputFormat('pcm_16000');
const ULAW = describeOutputFormat('ulaw_8000');
const OPUS = describeOutputFormat('opus_48000_64');

const sha = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');
const mp3 = Buffer.concat([Buffer.from('ID3\x04\x00\x00\x00\x00\x00\x0a', 'latin1'), Buffer.alloc(4000, 0x55)]);
const samples = (n: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => (i * 37) % 200));

type Route = (res: ServerResponse, req: import('node:http').IncomingMessage) => void;

let server: TestServer;
let client: KieClient;
let dir: string;
let routes: Record<string, Route>;

beforeEach(async () => {
  routes = {};
  server = await startServer((req, res) => {
    const route = routes[(req.url ?? '').split('?')[0]!];
    if (route) route(res, req);
    else sendJson(res, 404, { code: 404, msg: 'no such route' });
  });
  client = createKieClient({ baseUrl: server.url, apiKey: KEY });
  dir = await mkdtemp(join(tmpdir(), 'kieaudio-dl-'));
});

afterEach(async () => {
  await client.close();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

function serve(body: Buffer, headers: Record<string, string> = {}): Route {
  return (res) => {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(body.length), ...headers });
    res.end(body);
  };
}

function chunked(body: Buffer): Route {
  return (res) => {
    res.writeHead(200, { 'content-type': 'audio/basic' });
    res.write(body.subarray(0, 5)); // split so that sniffing has to gather the head
    res.end(body.subarray(5));
  };
}

async function fails(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KieaudioError);
  return error as ApiError;
}

async function expectNothingWritten(): Promise<void> {
  expect(await readdir(dir)).toEqual([]);
}

describe('downloadResult', () => {
  it('streams an MP3 to dest with its sha256, without sending the API key', async () => {
    routes['/a.mp3'] = serve(mp3);
    const dest = join(dir, 'sub', 'line.mp3');
    const result = await downloadResult({ client, url: `${server.url}/a.mp3`, dest, format: SPEECH_FORMAT });
    expect(result).toEqual({ bytes: mp3.length, sha256: sha(mp3) });
    expect(await readFile(dest)).toEqual(mp3);
    expect(await readdir(join(dir, 'sub'))).toEqual(['line.mp3']);
    expect(server.requests[0]!.headers.authorization).toBeUndefined();
  });

  it('wraps raw PCM in a WAV header and hashes the final file', async () => {
    const raw = samples(3200);
    routes['/fx'] = serve(raw);
    const dest = join(dir, 'fx.wav');
    const result = await downloadResult({ client, url: `${server.url}/fx`, dest, format: PCM16 });
    const file = await readFile(dest);
    expect(result).toEqual({ bytes: 3244, sha256: sha(file) });
    expect(file.subarray(44)).toEqual(raw);
    expect(file.toString('ascii', 0, 4)).toBe('RIFF');
    expect(file.readUInt32LE(4)).toBe(36 + 3200);
    expect(file.toString('ascii', 8, 16)).toBe('WAVEfmt ');
    expect(file.readUInt32LE(16)).toBe(16);
    expect(file.readUInt16LE(20)).toBe(1); // PCM
    expect(file.readUInt16LE(22)).toBe(1); // mono
    expect(file.readUInt32LE(24)).toBe(16_000);
    expect(file.readUInt32LE(28)).toBe(32_000);
    expect(file.readUInt16LE(32)).toBe(2);
    expect(file.readUInt16LE(34)).toBe(16);
    expect(file.toString('ascii', 36, 40)).toBe('data');
    expect(file.readUInt32LE(40)).toBe(3200);
    expect(file.subarray(0, 44)).toEqual(wavHeader(PCM16, 3200));
  });

  it('wraps chunked µ-law without a Content-Length', async () => {
    const raw = samples(801);
    routes['/u'] = chunked(raw);
    const dest = join(dir, 'u.wav');
    const result = await downloadResult({ client, url: `${server.url}/u`, dest, format: ULAW });
    const file = await readFile(dest);
    expect(result).toEqual({ bytes: 845, sha256: sha(file) });
    expect(file.readUInt16LE(20)).toBe(7);
    expect(file.readUInt32LE(40)).toBe(801);
  });

  it('keeps a body that is already RIFF/WAVE as it is', async () => {
    const wav = Buffer.concat([wavHeader(PCM16, 1000), samples(1000)]);
    routes['/w'] = serve(wav);
    const dest = join(dir, 'w.wav');
    expect(await downloadResult({ client, url: `${server.url}/w`, dest, format: PCM16 })).toEqual({ bytes: wav.length, sha256: sha(wav) });
    expect(await readFile(dest)).toEqual(wav);
  });

  it('accepts Ogg for opus', async () => {
    const ogg = Buffer.concat([Buffer.from('OggS\x00\x02', 'latin1'), Buffer.alloc(500, 1)]);
    routes['/o'] = serve(ogg);
    const dest = join(dir, 'o.ogg');
    expect((await downloadResult({ client, url: `${server.url}/o`, dest, format: OPUS })).sha256).toBe(sha(ogg));
  });

  it('rejects a truncated body and leaves no file behind', async () => {
    routes['/t'] = (res) => {
      res.writeHead(200, { 'content-length': '10000' });
      res.write(mp3.subarray(0, 3000), () => res.socket?.destroy());
    };
    const error = await fails(downloadResult({ client, url: `${server.url}/t`, dest: join(dir, 't.mp3'), format: SPEECH_FORMAT }));
    expect(error).toMatchObject({ code: 'E_DOWNLOAD', retryable: true });
    await expectNothingWritten();
  });

  it('rejects bytes that are not the expected format', async () => {
    const html = Buffer.from('<!DOCTYPE html><html><body>Access denied</body></html>');
    const json = Buffer.from('{"code":500,"msg":"internal error"}');
    const cases: [Buffer, typeof PCM16, Record<string, string>][] = [
      [html, SPEECH_FORMAT, { 'content-type': 'text/html' }],
      [html, PCM16, { 'content-type': 'text/html' }],
      [html, PCM16, {}], // octet-stream, but the bytes say HTML
      [json, PCM16, {}],
      [mp3, PCM16, {}],
      [mp3, OPUS, {}],
      [Buffer.concat([wavHeader(PCM16, 100), samples(100)]), SPEECH_FORMAT, {}],
    ];
    for (const [i, [body, format, headers]] of cases.entries()) {
      routes['/x'] = serve(body, headers);
      const error = await fails(downloadResult({ client, url: `${server.url}/x`, dest: join(dir, `x${i}`), format }));
      expect(error.code, String(i)).toBe('E_DOWNLOAD');
      expect(error.retryable).toBe(true);
      expect(error.message).toMatch(/not /);
    }
    await expectNothingWritten();
  });

  it('rejects raw 16-bit PCM of odd length and an empty body', async () => {
    routes['/odd'] = serve(samples(1001));
    routes['/empty'] = serve(Buffer.alloc(0));
    await expect(downloadResult({ client, url: `${server.url}/odd`, dest: join(dir, 'a.wav'), format: PCM16 })).rejects.toMatchObject({
      code: 'E_DOWNLOAD',
    });
    await expect(downloadResult({ client, url: `${server.url}/empty`, dest: join(dir, 'b.wav'), format: PCM16 })).rejects.toThrow(/empty/);
    await expectNothingWritten();
  });

  it('falls back to download-url on 403, sending the key only there', async () => {
    routes['/private.mp3'] = (res) => sendJson(res, 403, 'Forbidden');
    routes['/api/v1/common/download-url'] = (res) =>
      sendJson(res, 200, { code: 200, msg: 'success', data: `${server.url}/signed.mp3?sig=abc` });
    routes['/signed.mp3'] = serve(mp3);
    const dest = join(dir, 'p.mp3');
    const result = await downloadResult({ client, url: `${server.url}/private.mp3`, dest, format: SPEECH_FORMAT });
    expect(result.sha256).toBe(sha(mp3));
    const [first, api, signed] = server.requests;
    expect(first).toMatchObject({ url: '/private.mp3' });
    expect(first!.headers.authorization).toBeUndefined();
    expect(api).toMatchObject({ url: '/api/v1/common/download-url', method: 'POST' });
    expect(api!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(JSON.parse(api!.body)).toEqual({ url: `${server.url}/private.mp3` });
    expect(signed).toMatchObject({ url: '/signed.mp3?sig=abc' });
    expect(signed!.headers.authorization).toBeUndefined();
  });

  it('calls download-url only once', async () => {
    routes['/gone.mp3'] = (res) => sendJson(res, 404, 'nope');
    routes['/api/v1/common/download-url'] = (res) => sendJson(res, 200, { code: 200, data: `${server.url}/gone.mp3` });
    const error = await fails(downloadResult({ client, url: `${server.url}/gone.mp3`, dest: join(dir, 'g.mp3'), format: SPEECH_FORMAT }));
    expect(error).toMatchObject({ code: 'E_DOWNLOAD', retryable: false });
    expect(error.details.status).toBe(404);
    expect(server.requests.map((r) => r.url)).toEqual(['/gone.mp3', '/api/v1/common/download-url', '/gone.mp3']);
  });

  it('reports a failing download-url as E_DOWNLOAD and keeps the key out', async () => {
    routes['/private.mp3'] = (res) => sendJson(res, 401, 'no');
    routes['/api/v1/common/download-url'] = (res) => sendJson(res, 200, { code: 422, msg: `not a kie url (${KEY})` });
    const error = await fails(
      downloadResult({ client, url: `${server.url}/private.mp3`, dest: join(dir, 'p.mp3'), format: SPEECH_FORMAT }),
    );
    expect(error).toMatchObject({ code: 'E_DOWNLOAD', retryable: false });
    expect(error.cause).toMatchObject({ code: 'E_API_INPUT' });
    for (const text of errorTexts(error)) expect(text).not.toContain(KEY);
  });

  it('follows a few redirects, relative ones included', async () => {
    routes['/r0'] = (res) => res.writeHead(302, { location: '/r1' }).end();
    routes['/r1'] = (res) => res.writeHead(301, { location: `${server.url}/final.mp3` }).end();
    routes['/final.mp3'] = serve(mp3);
    const result = await downloadResult({ client, url: `${server.url}/r0`, dest: join(dir, 'r.mp3'), format: SPEECH_FORMAT });
    expect(result.bytes).toBe(mp3.length);
  });

  it('rejects a redirect loop and too many redirects', async () => {
    routes['/a'] = (res) => res.writeHead(302, { location: '/b' }).end();
    routes['/b'] = (res) => res.writeHead(307, { location: '/a' }).end();
    for (let i = 0; i < 10; i++) routes[`/hop${i}`] = (res) => res.writeHead(302, { location: `/hop${i + 1}` }).end();
    const loop = await fails(downloadResult({ client, url: `${server.url}/a`, dest: join(dir, 'l.mp3'), format: SPEECH_FORMAT }));
    expect(loop.message).toMatch(/loop/);
    expect(server.requests).toHaveLength(2);
    const many = await fails(downloadResult({ client, url: `${server.url}/hop0`, dest: join(dir, 'l.mp3'), format: SPEECH_FORMAT }));
    expect(many.message).toMatch(/redirects/);
    expect(server.requests).toHaveLength(2 + 6);
    await expectNothingWritten();
  });

  it('accepts only http(s) URLs, also as redirect targets', async () => {
    for (const url of ['file:///etc/passwd', 'ftp://example.com/a.mp3', 'data:audio/mpeg;base64,SUQz', 'not a url']) {
      const error = await fails(downloadResult({ client, url, dest: join(dir, 'n.mp3'), format: SPEECH_FORMAT }));
      expect(error).toMatchObject({ code: 'E_DOWNLOAD', retryable: false });
    }
    routes['/to-file'] = (res) => res.writeHead(302, { location: 'file:///etc/passwd' }).end();
    await expect(
      downloadResult({ client, url: `${server.url}/to-file`, dest: join(dir, 'n.mp3'), format: SPEECH_FORMAT }),
    ).rejects.toMatchObject({ code: 'E_DOWNLOAD' });
    expect(server.requests).toHaveLength(1);
  });

  it('enforces maxBytes from Content-Length and while streaming', async () => {
    routes['/big'] = serve(mp3);
    routes['/big-chunked'] = chunked(mp3);
    for (const path of ['/big', '/big-chunked']) {
      const error = await fails(
        downloadResult({ client, url: `${server.url}${path}`, dest: join(dir, 'big.mp3'), format: SPEECH_FORMAT, maxBytes: 1000 }),
      );
      expect(error).toMatchObject({ code: 'E_DOWNLOAD', retryable: false });
      expect(error.message).toMatch(/limit/);
    }
    await expectNothingWritten();
  });

  it('classifies HTTP errors from the result URL', async () => {
    routes['/500'] = (res) => sendJson(res, 500, 'oops');
    routes['/410'] = (res) => sendJson(res, 410, 'gone');
    const e500 = await fails(downloadResult({ client, url: `${server.url}/500`, dest: join(dir, 'e'), format: SPEECH_FORMAT }));
    expect(e500).toMatchObject({ code: 'E_DOWNLOAD', retryable: true, status: 500 });
    const e410 = await fails(downloadResult({ client, url: `${server.url}/410`, dest: join(dir, 'e'), format: SPEECH_FORMAT }));
    expect(e410).toMatchObject({ code: 'E_DOWNLOAD', retryable: false });
    expect(e410.details.status).toBe(410);
  });

  it('leaves an existing dest untouched when a download fails', async () => {
    const dest = join(dir, 'keep.mp3');
    await writeFile(dest, 'old');
    routes['/bad'] = serve(Buffer.from('<html>no</html>'), { 'content-type': 'text/html' });
    await expect(downloadResult({ client, url: `${server.url}/bad`, dest, format: SPEECH_FORMAT })).rejects.toThrow();
    expect(await readFile(dest, 'utf8')).toBe('old');
    expect(await readdir(dir)).toEqual(['keep.mp3']);
    routes['/good'] = serve(mp3);
    await downloadResult({ client, url: `${server.url}/good`, dest, format: SPEECH_FORMAT });
    expect(await readFile(dest)).toEqual(mp3);
  });

  it('cleans up when aborted mid-download', async () => {
    routes['/slow'] = (res) => {
      res.writeHead(200, { 'content-length': String(mp3.length * 2) });
      res.write(mp3); // and never the rest
    };
    const controller = new AbortController();
    const reason = new KieaudioError('E_ABORTED', 'stop');
    const pending = downloadResult({
      client,
      url: `${server.url}/slow`,
      dest: join(dir, 's.mp3'),
      format: SPEECH_FORMAT,
      signal: controller.signal,
    });
    // abort once the temp file exists, so the cleanup is really exercised
    const deadline = Date.now() + 5000;
    while (!(await readdir(dir)).some((f) => isTempName(f)) && Date.now() < deadline) {
      await new Promise((r) => setImmediate(r));
    }
    expect((await readdir(dir)).some((f) => isTempName(f))).toBe(true);
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    await expectNothingWritten();
  });
});
