// The folders a worker may read and write: its --root folders (default the current directory).
// A job whose input or output lies elsewhere is refused, by its lexical path and again once links
// are resolved (a link inside a root that points out of it does not pass).
import { realpathSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { StudioError } from '../contract/errors.js';
import { fsPathOf, showBytes } from '../input/names.js';
import { fileProblem } from '../input/file-problem.js';
import { isInside } from '../input/walk.js';

export class Roots {
  private constructor(readonly dirs: readonly string[]) {}

  /** Each root resolved through its links; a root that does not exist is a usage error. */
  static of(dirs: readonly string[]): Roots {
    return new Roots(
      dirs.map((d) => {
        try {
          return realpathSync(path.resolve(d));
        } catch (err) {
          throw fileProblem(`--root ${d}`, err, 'read', 'bad-request');
        }
      }),
    );
  }

  private within(p: string): boolean {
    return this.dirs.some((r) => isInside(p, r));
  }

  /**
   * Throws (one line naming the path) unless `p` is inside a root, lexically and after links
   * are resolved on its nearest existing ancestor (an output does not exist yet).
   */
  async check(p: string, what: string): Promise<void> {
    const refuse = () =>
      new StudioError(
        'bad-request',
        `${p}: this worker refuses the ${what}: it lies outside its roots (${this.dirs.join(', ')}; see --root)`,
      );
    if (!this.within(p)) throw refuse();
    let probe = p;
    for (;;) {
      // As bytes, shown as \xHH where not UTF-8: the form roots and job paths are compared in.
      const real = await realpath(fsPathOf(probe), { encoding: 'buffer' }).catch(() => undefined);
      if (real !== undefined) {
        if (!this.within(showBytes(real))) throw refuse();
        return;
      }
      const up = path.dirname(probe);
      if (up === probe) return;
      probe = up;
    }
  }
}
