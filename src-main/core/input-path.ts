// The first look at a path the user named (import, batch): its stats, or the one-line reason it
// cannot be used, worded the same wherever a path is taken.
import { stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';

export async function statInput(p: string): Promise<{ stats: Stats } | { error: string }> {
  try {
    return { stats: await stat(p) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return { error: `${p}: ${code === 'ENOENT' ? 'no such file or folder' : `cannot read (${code ?? 'error'})`}` };
  }
}
