/**
 * Real servers for the team cache tests, started by the tests themselves on free loopback ports:
 * webdav-server from npm (in-process, so the tests pass on a bare machine) and Debian's nginx with
 * its WebDAV module (its own config in a temp folder; undefined where nginx is not installed).
 * Both serve PUT/GET/HEAD over plain folders, as a team would set them up.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { v2 as webdav } from 'webdav-server';
import { closedPort } from './http.js';
import { createTempDir, type OnFinished } from './temp-dir.js';

export interface CacheServer {
  url: string;
  /** the folder the server stores blobs and records in (`cas/`, `ac/`) */
  dir: string;
}

/**
 * Debian's nginx, which .ci/run installs (nginx-light); NGINX_PATH overrides it, and pointing it
 * at nothing runs the suite as on a machine without nginx.
 */
export const NGINX = process.env.NGINX_PATH || '/usr/sbin/nginx';

/** Whether nginx is here. Where it is not, the nginx tests are skipped and this prints why (call it once per file, at collection). */
export function nginxOrNotice(): boolean {
  if (existsSync(NGINX)) return true;
  console.warn(`nginx tests skipped: no nginx at ${NGINX} (apt-get install nginx-light, or set NGINX_PATH)`);
  return false;
}

/** A token server answers 401 without it. */
class BearerAuthentication implements webdav.HTTPAuthentication {
  constructor(
    private readonly token: string,
    private readonly user: webdav.IUser,
  ) {}
  askForAuthentication(): Record<string, string> {
    return { 'WWW-Authenticate': 'Bearer' };
  }
  getUser(ctx: webdav.HTTPRequestContext, callback: (error: Error, user?: webdav.IUser) => void): void {
    if (ctx.headers.find('Authorization') === `Bearer ${this.token}`) callback(null as unknown as Error, this.user);
    else callback(webdav.Errors.BadAuthentication);
  }
}

export async function startWebdavCache(onFinished: OnFinished, options: { token?: string } = {}): Promise<CacheServer> {
  const dir = await createTempDir(onFinished, 'kieaudio-webdav-');
  // webdav-server does not create intermediate folders on PUT (409): the team's setup makes them once
  await mkdir(join(dir, 'cas'));
  await mkdir(join(dir, 'ac'));
  const users = new webdav.SimpleUserManager();
  const admin = users.addUser('team', 'unused', true);
  const server = new webdav.WebDAVServer({
    hostname: '127.0.0.1',
    port: 0,
    ...(options.token === undefined
      ? {}
      : { httpAuthentication: new BearerAuthentication(options.token, admin), requireAuthentification: true }),
  });
  server.setFileSystemSync('/', new webdav.PhysicalFileSystem(dir));
  const http = await new Promise<Server>((resolve) => server.start((s) => resolve(s as Server)));
  onFinished(() => new Promise<void>((resolve) => server.stop(() => resolve())));
  const { port } = http.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, dir };
}

/** nginx with `dav_methods PUT` in the foreground (tests that call it skip where nginxOrNotice() says there is none). */
export async function startNginxCache(onFinished: OnFinished): Promise<CacheServer> {
  const root = await createTempDir(onFinished, 'kieaudio-nginx-');
  const dir = join(root, 'store');
  await mkdir(dir);
  await mkdir(join(root, 'tmp'));
  const port = await closedPort();
  const config = join(root, 'nginx.conf');
  await writeFile(config, nginxConfig(root, dir, port));
  const child = spawn(NGINX, ['-p', root, '-c', config, '-e', join(root, 'error.log')], { stdio: ['ignore', 'ignore', 'pipe'] });
  onFinished(() => stopChild(child));
  await waitForPort(port, child, join(root, 'error.log'));
  return { url: `http://127.0.0.1:${port}`, dir };
}

function nginxConfig(root: string, dir: string, port: number): string {
  return `daemon off;
master_process off;
pid ${join(root, 'nginx.pid')};
error_log ${join(root, 'error.log')} warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path ${join(root, 'tmp')};
  proxy_temp_path ${join(root, 'tmp')};
  fastcgi_temp_path ${join(root, 'tmp')};
  uwsgi_temp_path ${join(root, 'tmp')};
  scgi_temp_path ${join(root, 'tmp')};
  client_max_body_size 64m;
  server {
    listen 127.0.0.1:${port};
    root ${dir};
    location / {
      dav_methods PUT;
      create_full_put_path on;
      dav_access user:rw;
    }
  }
}
`;
}

/** Polls the port until nginx accepts connections (its readiness has no other signal), or fails with its log. */
async function waitForPort(port: number, child: ChildProcess, log: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${await readFile(log, 'utf8').catch(() => '')}`);
    const ok = await fetch(`http://127.0.0.1:${port}/`, { method: 'HEAD' }).then(
      () => true,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`nginx did not start on port ${port}: ${await readFile(log, 'utf8').catch(() => '')}`);
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await exited;
}
