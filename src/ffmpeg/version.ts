/**
 * Pure: what `ffmpeg -version` says about the binary, and which of two binaries is newer. Release
 * builds name a version (`ffmpeg version 6.1.1-3ubuntu5`, `n7.0`, `7.1-full_build-www.gyan.dev`);
 * git snapshots, like the one `@ffmpeg-installer/ffmpeg` ships, only a commit
 * (`N-47683-g0e8eb07980-static`). Every build prints its libraries' versions, though, and
 * libavfilter's — the library post-processing depends on — only grows, so that is what orders them.
 */

/** [major, minor, micro] */
export type VersionNumbers = readonly [number, number, number];

export interface FfmpegVersion {
  /** the word after "ffmpeg version", as printed: what the lock and derived-output keys record */
  name: string;
  /** the release it names, when it names one */
  release?: VersionNumbers;
  /** libavfilter's version, printed by every build */
  libavfilter?: VersionNumbers;
}

const FIRST_LINE = /^ffmpeg version (\S+)/m;
const RELEASE = /^n?(\d+)\.(\d+)(?:\.(\d+))?/;
const LIBAVFILTER = /^libavfilter\s+(\d+)\.\s*(\d+)\.\s*(\d+)/m;

/** The version in `ffmpeg -version` output, or undefined when the text is not ffmpeg's. */
export function parseFfmpegVersion(text: string): FfmpegVersion | undefined {
  const name = FIRST_LINE.exec(text)?.[1];
  if (name === undefined) return undefined;
  const release = RELEASE.exec(name);
  const lib = LIBAVFILTER.exec(text);
  return {
    name,
    ...(release === null ? {} : { release: numbers(release) }),
    ...(lib === null ? {} : { libavfilter: numbers(lib) }),
  };
}

function numbers(match: RegExpExecArray): VersionNumbers {
  return [Number(match[1]), Number(match[2]), Number(match[3] ?? 0)];
}

/**
 * Negative when `a` is older than `b`, positive when newer, 0 when the same; undefined when the
 * two cannot be ordered (neither both libavfilter versions nor both releases are known).
 */
export function compareFfmpegVersions(a: FfmpegVersion, b: FfmpegVersion): number | undefined {
  if (a.libavfilter !== undefined && b.libavfilter !== undefined) return compareNumbers(a.libavfilter, b.libavfilter);
  if (a.release !== undefined && b.release !== undefined) return compareNumbers(a.release, b.release);
  return undefined;
}

function compareNumbers(a: VersionNumbers, b: VersionNumbers): number {
  for (let i = 0; i < 3; i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** `4.1` / `N-47683-g0e8eb07980-static (libavfilter 7.46.101)`: how messages and --version show it. */
export function describeFfmpegVersion(version: FfmpegVersion): string {
  const lib = version.libavfilter === undefined ? '' : ` (libavfilter ${version.libavfilter.join('.')})`;
  return `${version.name}${lib}`;
}

/**
 * What the lock and the derived-output keys record of an ffmpeg build: its version name and its
 * libavfilter (the filters' code), so that another build of the same name still counts as a change.
 */
export function ffmpegIdentity(version: FfmpegVersion): string {
  return version.libavfilter === undefined ? version.name : `${version.name} (libavfilter ${version.libavfilter.join('.')})`;
}
