/**
 * `report --open`: hands the page to the platform's opener (xdg-open, open, or start through
 * cmd on Windows), as an argument array, and does not wait for the browser.
 */
import { spawn } from 'node:child_process';

export function openerCommand(platform: NodeJS.Platform, path: string): [string, string[]] {
  if (platform === 'darwin') return ['open', [path]];
  // `start` is a cmd built-in; its first quoted argument is a window title, hence the empty one
  if (platform === 'win32') return ['cmd', ['/c', 'start', '""', path]];
  return ['xdg-open', [path]];
}

export function openPage(path: string): void {
  const [command, args] = openerCommand(process.platform, path);
  const child = spawn(command, args, { stdio: 'ignore', detached: true, windowsHide: true });
  // no opener installed (a CI runner, a container): the page is there all the same
  child.on('error', () => undefined);
  child.unref();
}
