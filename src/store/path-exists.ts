/** Whether anything is at `path` (a file, a folder, a link that leads somewhere). Errors mean no. */
import { access } from 'node:fs/promises';

export async function pathExists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
