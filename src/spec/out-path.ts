/**
 * Pure checks on an asset's `out`: it must name a file inside outDir on every platform a team
 * might check the repository out on, and its extension must fit what the model returns.
 */
import { posix } from 'node:path';
import type { AudioFormat } from '../audio/format.js';
import type { AssetKind } from '../project.js';

export type OutCheck = { ok: true; out: string } | { ok: false; code: 'E_OUT_ESCAPES' | 'E_OUT_INVALID'; message: string };

const WINDOWS_FORBIDDEN = /[<>:"|?*]/;

/**
 * Names Windows keeps for devices, in any case and with any extension (`con.mp3`, `Lpt1.a.wav`):
 * a checkout there cannot create the file, or writes to the device. Trailing spaces before the
 * extension do not help.
 */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[1-9]|lpt[1-9]) *(\.|$)/i;

/** Normalizes `out` to a POSIX path relative to outDir, or says why it cannot be one. */
export function normalizeOut(raw: string): OutCheck {
  const quoted = JSON.stringify(raw);
  const escapes = (why: string): OutCheck => ({
    ok: false,
    code: 'E_OUT_ESCAPES',
    message: `expected a relative path inside outDir, found ${quoted}, ${why}`,
  });
  const invalid = (why: string): OutCheck => ({
    ok: false,
    code: 'E_OUT_INVALID',
    message: `expected a file path that works on every platform, found ${quoted}, ${why}`,
  });
  if (raw.includes('\0')) return escapes('which contains a NUL byte');
  if (raw.includes('\\')) return escapes(`which contains a backslash (write ${JSON.stringify(raw.replaceAll('\\', '/'))})`);
  if (/^[A-Za-z]:/.test(raw)) return escapes('which starts with a drive letter');
  if (raw.startsWith('/')) return escapes('which is absolute');
  const out = posix.normalize(raw);
  if (out === '..' || out.startsWith('../')) return escapes('which leaves it through ".."');
  if (/[\x00-\x1f\x7f]/.test(out)) return invalid('which contains a control character');
  const forbidden = WINDOWS_FORBIDDEN.exec(out);
  if (forbidden !== null) return invalid(`which contains "${forbidden[0]}", a character Windows does not allow in file names`);
  if (out === '.' || out.endsWith('/')) return invalid('which names a folder, not a file');
  for (const segment of out.split('/')) {
    const device = WINDOWS_RESERVED.exec(segment)?.[1]?.toUpperCase();
    if (device !== undefined) {
      return invalid(
        `which contains "${segment}": ${device} is a device name Windows reserves, with any extension (CON, PRN, AUX, NUL, COM1–9, LPT1–9)`,
      );
    }
  }
  const name = posix.basename(out);
  // posix.extname(".mp3") is "": without this, the extension check would ask for the ".mp3" it was given
  if (/^\.[^.]+$/.test(name)) {
    return {
      ok: false,
      code: 'E_OUT_INVALID',
      message: `expected a file name before the extension, found ${quoted}, whose file name "${name}" is only an extension (write e.g. ${JSON.stringify(`${out.slice(0, -name.length)}name${name}`)})`,
    };
  }
  return { ok: true, out };
}

/** Why `out` does not fit `format`, or undefined when it does. `chosen` says whether output_format was set. */
export function checkExtension(out: string, kind: AssetKind, format: AudioFormat, chosen: boolean): string | undefined {
  const extension = posix.extname(out).toLowerCase();
  if (format.extensions.includes(extension)) return undefined;
  const wanted = format.extensions.map((e) => JSON.stringify(e)).join(' or ');
  const because =
    kind === 'voice'
      ? 'voice lines are MP3'
      : `output_format ${format.name}${chosen ? '' : ' (the default)'} produces ${CONTAINER_NAMES[format.container]}`;
  return `expected a path ending in ${wanted} because ${because}, found ${JSON.stringify(out)}`;
}

const CONTAINER_NAMES: Record<AudioFormat['container'], string> = {
  mp3: 'MP3',
  wav: 'a WAV file (raw samples are wrapped in a WAV header)',
  ogg: 'Opus in an Ogg file',
};
