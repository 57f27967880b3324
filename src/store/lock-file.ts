/**
 * `kieaudio.lock`: what was generated from which spec, committed beside the outputs. Deterministic
 * JSON (sorted keys, 2-space indent, trailing newline) so that a build that changes nothing leaves
 * it byte-identical and a review diff shows exactly what changed.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import { KieaudioError, toKieaudioError } from '../errors.js';
import { canonicalJson } from './canonical-json.js';
import { lockTextPieces } from './lock-text.js';

export const LOCK_FILE_NAME = 'kieaudio.lock';
export const LOCK_FILE_VERSION = 1;

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/);

const LockEntrySchema = z.strictObject({
  id: z.string(),
  kind: z.enum(['voice', 'effect']),
  model: z.string(),
  /** the exact `input` sent to the API, kept so `plan` can say what changed */
  input: z.record(z.string(), z.unknown()),
  specHash: Sha256,
  contentHash: Sha256,
  size: z.number().int().nonnegative(),
  /** made by `--offline`: silent stand-in audio that any real build replaces */
  placeholder: z.literal(true).optional(),
  taskId: z.string().optional(),
  /** the API the task was created on: its id means nothing to another server (recovery, decide.ts) */
  baseUrl: z.string().optional(),
  /** when the task was created (ISO): kie.ai keeps results 14 days, so older ones are not asked for */
  generatedAt: z.string().optional(),
  /**
   * what the task that made this take cost, as the API reported it (`creditsConsumed`): what
   * budgets estimate the model's price from (plan/estimate.ts). Kept while the take stays at `out`.
   */
  credits: z.number().nonnegative().optional(),
  /** the lexicon entries `input`'s text fields used (word → what was sent), so `plan` can name the entry that changed */
  lexicon: z.record(z.string(), z.string()).optional(),
  /**
   * the line's `text` as written, when the lexicon made what was sent differ: what its subtitles
   * and timing data show, so that a new spelling that sends the same (a respelling moved into the
   * lexicon) writes them again without a generation
   */
  writtenText: z.string().optional(),
  /**
   * `kieaudio pin`: the take (numbered per spec hash, store/takes.ts) whose audio this entry
   * records; builds keep it while the spec is unchanged. Take numbers are the local cache's: the
   * audio itself is named by `contentHash`.
   */
  pinned: z.number().int().positive().optional(),
  /**
   * files derived from the audio beside it (`.timings.json`, `.srt`, `.vtt`), by path relative to
   * outDir, with the SHA-256 of what kieaudio wrote: status and clean tell them from hand edits
   */
  sidecars: z.record(z.string(), Sha256).optional(),
  /**
   * the recorded sidecars were written for earlier audio: the build that installed this audio
   * stopped (a full disk, a kill) before writing them anew. They stay kieaudio's while they hold
   * what is recorded, and the next build writes them again.
   */
  sidecarsStale: z.literal(true).optional(),
  /** `post:`: `out` was derived from the raw take `raw` by `chain` with `ffmpeg`, and measured so (build/process.ts) */
  post: z
    .strictObject({
      chain: z.record(z.string(), z.unknown()),
      ffmpeg: z.string(),
      raw: Sha256,
      measured: z.strictObject({ loudness: z.number().nullable(), truePeak: z.number().nullable(), duration: z.number() }),
      /** seconds trimmed from the start, when the asset has timing data to move by it (sidecars) */
      trimmedStart: z.number().optional(),
    })
    .optional(),
});

const LockFileSchema = z.strictObject({
  version: z.literal(LOCK_FILE_VERSION),
  /** keyed by `out` (relative to outDir) */
  assets: z.record(z.string(), LockEntrySchema),
});

export type LockEntry = z.infer<typeof LockEntrySchema>;
export type LockPost = NonNullable<LockEntry['post']>;

/** The raw take an entry's output holds or was derived from (`post.raw`): what takes and pins are named by. */
export function rawHashOf(entry: Pick<LockEntry, 'contentHash' | 'post'>): string {
  return entry.post?.raw ?? entry.contentHash;
}
export type LockFile = z.infer<typeof LockFileSchema>;

export function emptyLockFile(): LockFile {
  return { version: LOCK_FILE_VERSION, assets: {} };
}

/**
 * Whether two entries say the same. `input` is compared through `specHash`, its hash (with the
 * model): restoring a thousand outputs whose entries do not change then costs no lock rewrite.
 * `baseUrl` and `generatedAt` describe the task, so the same `taskId` says them already.
 */
export function sameLockEntry(a: LockEntry, b: LockEntry): boolean {
  return (
    a.specHash === b.specHash &&
    a.contentHash === b.contentHash &&
    a.id === b.id &&
    a.kind === b.kind &&
    a.model === b.model &&
    a.size === b.size &&
    a.taskId === b.taskId &&
    a.placeholder === b.placeholder &&
    sameRecord(a.lexicon, b.lexicon) &&
    a.writtenText === b.writtenText &&
    sameRecord(a.sidecars, b.sidecars) &&
    a.sidecarsStale === b.sidecarsStale &&
    a.pinned === b.pinned &&
    (a.post === b.post || (a.post !== undefined && b.post !== undefined && canonicalJson(a.post) === canonicalJson(b.post)))
  );
}

/** Two string maps say the same; an absent map is the same as an empty one (neither is written empty). */
function sameRecord(a: Readonly<Record<string, string>> | undefined, b: Readonly<Record<string, string>> | undefined): boolean {
  const keys = Object.keys(a ?? {});
  return keys.length === Object.keys(b ?? {}).length && keys.every((key) => a?.[key] === b?.[key]);
}

/** The whole text of the lock file (a build writes it in pieces: lock-text.ts). */
export function serializeLockFile(lock: LockFile): string {
  return [...lockTextPieces(lock)].join('');
}

/**
 * Parses lock text; `file` is for messages. A damaged lock (invalid JSON, cut short, merge
 * conflict markers, the wrong shape) is one E_LOCK_DAMAGED error that names the safe fixes.
 */
export function parseLockFile(text: string, file: string): LockFile {
  if (/^(<{7}|={7}|>{7})( |$)/m.test(text)) {
    throw damagedLock(file, 'it has git merge conflict markers', `take either side (git checkout --ours -- ${file}, or --theirs)`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (cause) {
    throw damagedLock(file, `it is not valid JSON (${(cause as Error).message})`, undefined, cause);
  }
  const version = (json as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version > LOCK_FILE_VERSION) {
    throw new KieaudioError('E_IO', `${file} was written by a newer kieaudio (lock version ${version}): upgrade kieaudio to build here`);
  }
  const parsed = LockFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? `${issue.path.join('.')}: ` : '';
    throw damagedLock(file, `it is not a kieaudio lock file (${where}${issue?.message ?? 'invalid'})`);
  }
  // Rebuild the record with a null prototype so an `out` named `__proto__` stays a plain key.
  const assets = Object.create(null) as Record<string, LockEntry>;
  for (const [out, entry] of Object.entries(parsed.data.assets)) {
    // `clean` deletes files named here: a tampered key must not point outside outDir.
    if (!isSafeRelativePath(out)) throw damagedLock(file, `it names an unsafe output path ${JSON.stringify(out)}`);
    for (const sidecar of Object.keys(entry.sidecars ?? {})) {
      if (!isSafeRelativePath(sidecar)) throw damagedLock(file, `it names an unsafe sidecar path ${JSON.stringify(sidecar)}`);
    }
    assets[out] = entry;
  }
  return { version: parsed.data.version, assets };
}

/**
 * The error for a lock that cannot be read as one. Both fixes are safe: git has the last committed
 * lock (with its task ids, which a build can fetch lost results with), and without a lock a build
 * adopts every output that matches the cache and leaves every other existing file alone
 * (plan/decide.ts), so no output that exists is paid for again.
 */
function damagedLock(file: string, what: string, gitFix?: string, cause?: unknown): KieaudioError {
  const fromGit = gitFix ?? `restore it from git (git checkout -- ${file})`;
  return new KieaudioError(
    'E_LOCK_DAMAGED',
    `${file} is damaged: ${what}. Nothing was changed. Safe fixes: ${fromGit}, then run the command again; ` +
      'or delete it: the next build adopts the outputs that match the cache and leaves every other existing output alone, ' +
      'so nothing is paid for an output that exists (outputs missing from both are generated again).',
    cause === undefined ? {} : { cause },
  );
}

/** Reads the lock; a missing file is an empty lock. Returns the text too, to skip no-op writes. */
export async function readLockFile(path: string, display: string): Promise<{ lock: LockFile; text: string | undefined }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { lock: emptyLockFile(), text: undefined };
    throw toKieaudioError(error, 'E_IO', { action: 'read', path });
  }
  return { lock: parseLockFile(text, display), text };
}

/** A normalized relative POSIX path that cannot leave its base folder. */
export function isSafeRelativePath(path: string): boolean {
  if (path === '' || path.includes('\\') || path.includes('\0') || path.startsWith('/') || /^[a-zA-Z]:/.test(path)) {
    return false;
  }
  return path.split('/').every((segment) => segment !== '' && segment !== '.' && segment !== '..');
}
