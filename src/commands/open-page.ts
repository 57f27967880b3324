/**
 * `report --open`: hands the page to the platform's opener (xdg-open, open, explorer on Windows),
 * as an argument array, and does not wait for the browser.
 */
import { spawn } from 'node:child_process';

export function openerCommand(platform: NodeJS.Platform, path: string): [string, string[]] {
  if (platform === 'darwin') return ['open', [path]];
  // not `cmd /c start`: cmd would read `&` or `^` in a folder name as its own syntax
  if (platform === 'win32') return ['explorer', [path]];
  return ['xdg-open', [path]];
}

export function openPage(path: string): void {
  const [command, args] = openerCommand(process.platform, path);
  const child = spawn(command, args, { stdio: 'ignore', detached: true, windowsHide: true });
  // no opener installed (a CI runner, a container): the page is there all the same
  child.on('error', () => undefined);
  child.unref();
}
