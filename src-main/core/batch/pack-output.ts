// A decompressed pack's folder appears whole or not at all: its images are written into a
// temporary folder beside it (a part name that records this process, part-name.ts), which is
// renamed into place once every image is written. A pack that fails or is cancelled midway leaves
// nothing behind. When the folder exists already, images that would land on existing files are
// refused before any decoding (unless overwriting), and the finished ones are moved in.
import { link, mkdir, readdir, rename, rm, stat, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { StudioError } from '../contract/errors.js';
import { fileProblem } from '../input/file-problem.js';
import { partName } from '../system/part-name.js';

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

function conflict(file: string): StudioError {
  return new StudioError('conflict', `${file}: already exists (use --overwrite to replace it)`);
}

function ioError(file: string, err: unknown): StudioError {
  return fileProblem(file, err, 'write', 'io');
}

export class PackStage {
  private constructor(
    /** The pack's output folder. */
    readonly folder: string,
    /** Where the images are written until commit. */
    readonly tmp: string,
    private readonly overwrite: boolean,
  ) {}

  /** Checks the planned names against an existing folder, then makes the temporary folder. */
  static async open(folder: string, names: string[], overwrite: boolean): Promise<PackStage> {
    if (!overwrite) {
      for (const n of names) if (await exists(path.join(folder, n))) throw conflict(path.join(folder, n));
    }
    const parent = path.dirname(folder);
    const tmp = path.join(parent, partName(path.basename(folder)));
    try {
      await mkdir(parent, { recursive: true });
      await mkdir(tmp);
    } catch (err) {
      throw ioError(folder, err);
    }
    return new PackStage(folder, tmp, overwrite);
  }

  /** Writes one image into the temporary folder; returns where it will be after commit. */
  async write(name: string, bytes: Uint8Array): Promise<string> {
    const final = path.join(this.folder, name);
    try {
      await writeFile(path.join(this.tmp, name), bytes, { flag: 'wx' });
    } catch (err) {
      throw ioError(final, err);
    }
    return final;
  }

  /** Puts the images in place: the whole folder by one rename, or file by file into an existing one. */
  async commit(): Promise<void> {
    try {
      await rename(this.tmp, this.folder);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      // The folder exists (and is not empty): merge into it below.
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'EISDIR' && code !== 'ENOTDIR') throw ioError(this.folder, err);
    }
    const names = await readdir(this.tmp);
    const placed: string[] = [];
    try {
      for (const n of names) {
        const dest = path.join(this.folder, n);
        if (this.overwrite) {
          await rename(path.join(this.tmp, n), dest);
          continue;
        }
        // link() fails with EEXIST instead of replacing a file that appeared meanwhile.
        try {
          await link(path.join(this.tmp, n), dest);
        } catch (err) {
          throw (err as NodeJS.ErrnoException).code === 'EEXIST' ? conflict(dest) : ioError(dest, err);
        }
        placed.push(dest);
      }
    } catch (err) {
      // Without overwriting, what this commit added is taken back: the pack is all or nothing.
      for (const p of placed) await unlink(p).catch(() => {});
      throw err;
    }
  }

  /** Removes the temporary folder (after a commit it is empty or gone). */
  async dispose(): Promise<void> {
    await rm(this.tmp, { recursive: true, force: true });
  }
}
