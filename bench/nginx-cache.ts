/**
 * A WebDAV nginx for the team cache benchmark, as a team would run one (Debian's nginx-light at
 * /usr/sbin/nginx): its own config in a scratch folder, on a free loopback port, in the foreground.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';

export const NGINX = '/usr/sbin/nginx';

export interface NginxCache {
  url: string;
  stop(): Promise<void>;
}

export async function startNginxCache(root: string): Promise<NginxCache | undefined> {
  if (!existsSync(NGINX)) return undefined;
  const store = join(root, 'store');
  await mkdir(join(root, 'tmp'), { recursive: true });
  await mkdir(store, { recursive: true });
  const port = await freePort();
  const t = join(root, 'tmp');
  await writeFile(
    join(root, 'nginx.conf'),
    `daemon off;\nmaster_process off;\npid ${join(root, 'nginx.pid')};\nerror_log ${join(root, 'error.log')} warn;\n` +
      'events { worker_connections 1024; }\n' +
      `http {\n  access_log off;\n  client_body_temp_path ${t};\n  proxy_temp_path ${t};\n  fastcgi_temp_path ${t};\n  uwsgi_temp_path ${t};\n  scgi_temp_path ${t};\n` +
      `  keepalive_requests 100000;\n  server {\n    listen 127.0.0.1:${port};\n    root ${store};\n` +
      '    location / { dav_methods PUT; create_full_put_path on; dav_access user:rw; client_max_body_size 64m; }\n  }\n}\n',
  );
  const child = spawn(NGINX, ['-p', root, '-c', join(root, 'nginx.conf'), '-e', join(root, 'error.log')], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 500; i++) {
    if (
      await fetch(`${url}/`, { method: 'HEAD' }).then(
        () => true,
        () => false,
      )
    )
      return { url, stop: () => stop(child) };
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  await stop(child);
  throw new Error(`nginx did not start on ${url}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0));
    });
  });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  await exited;
}
