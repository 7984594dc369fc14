// THE wording of a file problem (input/file-problem.ts), from real file-system errors: one line
// naming the file, what could not be done and why in words; our own refusals pass through.
import { mkdirSync, writeFileSync } from 'node:fs';
import { readdir, readFile, rmdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StudioError } from '../../../src-main/core/contract/errors.js';
import { checkImagePixels } from '../../../src-main/core/imaging/pixel-limit.js';
import { errnoOf, fileProblem, fileProblemLine, fileReason } from '../../../src-main/core/input/file-problem.js';
import { openInput } from '../../../src-main/core/input/open-input.js';
import { makeTmpDir } from '../../helpers/tmp-home.js';

let tmp: ReturnType<typeof makeTmpDir>;
beforeEach(() => (tmp = makeTmpDir('ls-file-problem-')));
afterEach(() => tmp.cleanup());

const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error('expected the operation to fail');
    },
    (err: unknown) => err,
  );

describe('a file problem', () => {
  it('words the errors of the file system, never a bare code', async () => {
    const file = path.join(tmp.dir, 'photo.jpg');
    writeFileSync(file, 'x');
    mkdirSync(path.join(tmp.dir, 'dir'));
    writeFileSync(path.join(tmp.dir, 'dir', 'a'), 'a');
    const missing = await failure(readFile(path.join(tmp.dir, 'gone.jpg')));
    expect(fileProblemLine('gone.jpg', missing)).toBe('gone.jpg: no such file');
    expect(fileProblemLine('dir', await failure(readFile(path.join(tmp.dir, 'dir'))))).toBe('dir: is a folder');
    expect(fileProblemLine('x', await failure(readFile(path.join(file, 'x'))))).toBe(
      'x: no such file (a part of the path is not a folder)',
    );
    expect(fileProblemLine('long', await failure(readFile(path.join(tmp.dir, 'n'.repeat(300)))))).toBe(
      'long: its path is too long for the file system',
    );
    expect(fileProblemLine('photo.jpg', await failure(writeFile(file, 'y', { flag: 'wx' })), 'write')).toBe(
      'photo.jpg: cannot write (already exists)',
    );
    expect(fileProblemLine('dir', await failure(rmdir(path.join(tmp.dir, 'dir'))), 'remove')).toBe(
      'dir: cannot remove (the folder is not empty)',
    );
    expect(fileProblemLine('f', await failure(readdir(file)), 'list folder')).toBe(
      'f: cannot list folder (a part of the path is not a folder)',
    );
  });

  it('says a read fact alone, anything else as what could not be done and why', () => {
    const denied = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    const full = Object.assign(new Error('ENOSPC: no space left on device'), { code: 'ENOSPC' });
    expect(fileProblemLine('photo.jpg', denied)).toBe('photo.jpg: permission denied');
    expect(fileProblemLine('photo.jpg', denied, 'write')).toBe('photo.jpg: cannot write (permission denied)');
    expect(fileProblemLine('out.latent', full, 'write')).toBe('out.latent: cannot write (no space left on the disk)');
    expect(fileProblemLine('photo.jpg', full)).toBe('photo.jpg: cannot read (no space left on the disk)');
    // An unknown code is named; an error without one gives its first line; other libraries' codes are not errno.
    expect(fileReason(Object.assign(new Error('odd'), { code: 'EWHATEVER' }))).toBe('EWHATEVER');
    expect(fileReason(new Error('file is not a database\nmore'))).toBe('file is not a database');
    expect(errnoOf(Object.assign(new Error('file is not a database'), { code: 'SQLITE_NOTADB' }))).toBeUndefined();
    expect(fileProblemLine('c.db', Object.assign(new Error('file is not a database'), { code: 'SQLITE_NOTADB' }), 'open the catalog')).toBe(
      'c.db: cannot open the catalog (file is not a database)',
    );
  });

  it('explains a missing name that came through text with bytes that are not UTF-8', async () => {
    const err = await failure(readFile(path.join(tmp.dir, 'caf\ufffd.jpg')));
    expect(fileReason(err, 'caf\ufffd.jpg')).toMatch(
      /^no such file \(a \ufffd in a name given as text stands for bytes that are not UTF-8/,
    );
  });

  it('is a StudioError: missing is not-found, the rest io unless told; our own refusals pass through', async () => {
    const missing = await failure(readFile(path.join(tmp.dir, 'gone.jpg')));
    const e = fileProblem('gone.jpg', missing);
    expect(e).toBeInstanceOf(StudioError);
    expect([e.code, e.message, e.cause]).toEqual(['not-found', 'gone.jpg: no such file', missing]);
    expect(fileProblem('gone.jpg', missing, 'write', 'io').code).toBe('io');
    const refused = await failure(openInput(path.join(tmp.dir, 'gone.jpg'), { maxBytes: 10 }));
    expect(fileProblem('other', refused)).toBe(refused);
    const tooBig = (() => {
      try {
        checkImagePixels('big.png', 10_000, 10_000, 1000);
      } catch (err) {
        return err;
      }
    })();
    expect(fileProblem('big.png', tooBig)).toBe(tooBig);
  });
});
