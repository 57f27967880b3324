import { spawn } from 'node:child_process';

/** A pid that certainly belonged to a process and no longer does: a child that has exited. */
export async function deadPid(): Promise<number> {
  const p = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
  await new Promise((resolve) => p.once('exit', resolve));
  if (p.pid === undefined) throw new Error('no pid');
  return p.pid;
}
