// THE wording of a file the studio could not use, for every path that reads, writes or lists one
// (inputs, outputs, the catalog, the settings, uploads): one line naming the file, what could not
// be done and why in words, "photo.jpg: cannot write (permission denied)", never a bare errno
// (a read states a fact about the path alone: "photo.jpg: permission denied").
// Our own refusals (the input policy, the size and pixel limits) already word their line and
// pass through unchanged.
import { StudioError, type StudioErrorCode } from '../contract/errors.js';

const REPLACEMENT = '\ufffd';

/** Error codes of the file system, in words. */
const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'is a folder',
  ENAMETOOLONG: 'its path is too long for the file system',
  ELOOP: 'too many levels of symbolic links',
  ENOSPC: 'no space left on the disk',
  EDQUOT: 'the disk quota is used up',
  EROFS: 'the file system is read-only',
  EEXIST: 'already exists',
  ENOTEMPTY: 'the folder is not empty',
  EBUSY: 'in use by another program',
  EMFILE: 'too many files open',
  ENFILE: 'too many files open',
  EIO: 'an input/output error (the disk or the connection to it)',
  EXDEV: 'on another file system',
};

/** The errno code (ENOENT, EACCES, ...) of a Node system error; other codes (SQLITE_*, ERR_*) are not. */
export function errnoOf(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
}

/**
 * Why a file operation failed, in words: 'permission denied', 'no such file', ...; an unknown
 * code as itself, an error without one by the first line of its message. `file` (the path as
 * shown) lets a missing name with a U+FFFD in it say where that came from.
 */
export function fileReason(err: unknown, file = ''): string {
  const code = errnoOf(err);
  if (code === 'ENOENT' && file.includes(REPLACEMENT)) {
    // process.argv (and any text channel) turns bytes that are not UTF-8 into U+FFFD: say so.
    return 'no such file (a \ufffd in a name given as text stands for bytes that are not UTF-8: give its folder, or write those bytes as \\xHH, e.g. photo\\xff.jpg)';
  }
  if (code) return REASONS[code] ?? code;
  const msg = err instanceof Error ? err.message : String(err);
  return msg.split('\n')[0] ?? msg;
}

/** Reasons that state a fact about the path: a read says them alone ("photo.jpg: no such file"). */
const PATH_FACTS: ReadonlySet<string> = new Set(['ENOENT', 'EACCES', 'EPERM', 'ENOTDIR', 'EISDIR', 'ENAMETOOLONG', 'ELOOP']);

/**
 * The problem without the file: "no such file" or "permission denied" when reading, otherwise
 * "cannot <doing> (<reason>)": "cannot write (no space left on the disk)", "cannot list folder
 * (permission denied)", "cannot read (an input/output error ...)".
 */
export function problemText(err: unknown, file = '', doing = 'read'): string {
  const reason = fileReason(err, file);
  const code = errnoOf(err);
  if (doing !== 'read' || !code || !PATH_FACTS.has(code)) return `cannot ${doing} (${reason})`;
  return code === 'ENOTDIR' ? `no such file (${reason})` : reason;
}

/** The one line: "photo.jpg: permission denied", "out/photo.latent: cannot write (no space left on the disk)". */
export function fileProblemLine(file: string, err: unknown, doing = 'read'): string {
  return `${file}: ${problemText(err, file, doing)}`;
}

/** The StudioError code a file problem carries: a missing file is not-found, the rest io. */
function codeOf(err: unknown): StudioErrorCode {
  return errnoOf(err) === 'ENOENT' ? 'not-found' : 'io';
}

/**
 * One StudioError for a file problem (see fileProblemLine). A StudioError (our own refusals:
 * the input policy, the size and pixel limits) already names its file and is returned as it is.
 */
export function fileProblem(file: string, err: unknown, doing = 'read', code: StudioErrorCode = codeOf(err)): StudioError {
  if (err instanceof StudioError) return err;
  return new StudioError(code, fileProblemLine(file, err, doing), { cause: err });
}
