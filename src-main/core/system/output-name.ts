// Whether an output name can be written at all, checked when the outputs are planned: a name
// the file system refuses would otherwise fail only after the work, with a raw ENAMETOOLONG. An
// output is first written under a longer temporary name beside it (part-name.ts), so that name is
// the one that must fit.
import path from 'node:path';
import { partName } from './part-name.js';

/** Bytes in one file name (Linux, macOS and the usual file systems). */
export const NAME_MAX_BYTES = 255;
/** Bytes in a whole path, the terminating NUL excluded (Linux PATH_MAX is 4096). */
export const PATH_MAX_BYTES = 4095;

/** The one-line reason `output` cannot be written (naming `input`), or undefined when it can. */
export function outputNameProblem(input: string, output: string): string | undefined {
  const name = path.basename(output);
  const temporary = Buffer.byteLength(partName(name));
  if (temporary > NAME_MAX_BYTES) {
    const room = NAME_MAX_BYTES - (temporary - Buffer.byteLength(name));
    return `${input}: its output name ${name} is ${Buffer.byteLength(name)} bytes, over the ${room} an output name may have (shorten the input's name or the suffix)`;
  }
  const full = Buffer.byteLength(path.join(path.dirname(output), partName(name)));
  if (full > PATH_MAX_BYTES) {
    return `${input}: its output path is ${Buffer.byteLength(output)} bytes, too long for the file system (choose a shorter output folder)`;
  }
  return undefined;
}
