// Command-line arguments as bytes. process.argv decodes each argument as UTF-8 and turns bytes
// that are not UTF-8 into U+FFFD, which names no file. On Linux the exact bytes are in
// /proc/self/cmdline: such an argument is given back in its shown form (`\xHH`, names.ts), which
// the input policy opens as those bytes. Elsewhere, or when the bytes cannot be matched up, the
// text stays as it is and a path holding U+FFFD is refused with a line saying why.
import { isUtf8 } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { showBytes } from './names.js';

const REPLACEMENT = '\ufffd';

function splitNul(raw: Buffer): Buffer[] {
  const parts: Buffer[] = [];
  let start = 0;
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === 0) {
      parts.push(raw.subarray(start, i));
      start = i + 1;
    }
  }
  if (start < raw.length) parts.push(raw.subarray(start));
  return parts;
}

/** `args` (process.argv.slice(2)) with every argument that was not UTF-8 in its shown form. */
export function argvWithBytes(args: readonly string[], cmdline = '/proc/self/cmdline'): string[] {
  if (process.platform !== 'linux' || !args.some((a) => a.includes(REPLACEMENT))) return [...args];
  let raw: Buffer;
  try {
    raw = readFileSync(cmdline);
  } catch {
    return [...args];
  }
  // The user's arguments are the last entries (node's own flags and the script come first).
  const parts = splitNul(raw);
  const tail = parts.slice(parts.length - args.length);
  if (tail.length !== args.length || tail.some((p, i) => p.toString('utf8') !== args[i])) return [...args];
  return args.map((a, i) => (a.includes(REPLACEMENT) && !isUtf8(tail[i]!) ? showBytes(tail[i]!) : a));
}
