// File names are bytes on Linux, not text: a name that is not valid UTF-8 (or that holds control
// or bidi characters) still names a file the user wants. The studio carries such a path as a
// string with those bytes written `\xHH` (the "shown" form): printable, one line, safe in JSON and
// SQLite, and turned back into the exact bytes whenever the file system is asked (fsPathOf).
// Valid, printable names are their own shown form, so ordinary paths never change.
import { lstatSync } from 'node:fs';
import { isUnsafeNameChar } from '../contract/text.js';

const ESCAPE = /\\x[0-9a-fA-F]{2}/;
const ESCAPES = /\\x([0-9a-fA-F]{2})/g;

const hex = (b: number) => `\\x${b.toString(16).padStart(2, '0')}`;

/**
 * Code points shown escaped although valid UTF-8: C1 controls and the bidi/format marks that
 * reorder text (the contract's one list; the C0 controls under 0x80 are escaped byte by byte).
 */
function unsafeCodePoint(cp: number): boolean {
  return cp >= 0x80 && isUnsafeNameChar(cp);
}

/** Length of the well-formed UTF-8 sequence at `i` (RFC 3629 ranges), or 0 when there is none. */
function sequenceAt(b: Uint8Array, i: number): number {
  const c = b[i]!;
  const cont = (k: number, lo = 0x80, hi = 0xbf) => {
    const x = b[i + k];
    return x !== undefined && x >= lo && x <= hi;
  };
  if (c < 0x80) return 1;
  if (c >= 0xc2 && c <= 0xdf) return cont(1) ? 2 : 0;
  if (c === 0xe0) return cont(1, 0xa0) && cont(2) ? 3 : 0;
  if (c === 0xed) return cont(1, 0x80, 0x9f) && cont(2) ? 3 : 0;
  if (c >= 0xe1 && c <= 0xef) return cont(1) && cont(2) ? 3 : 0;
  if (c === 0xf0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (c >= 0xf1 && c <= 0xf3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (c === 0xf4) return cont(1, 0x80, 0x8f) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

/** The shown form of a name or path given as bytes. */
export function showBytes(bytes: Uint8Array): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const n = sequenceAt(bytes, i);
    if (n === 0) {
      out += hex(bytes[i]!);
      i++;
      continue;
    }
    const seq = bytes.subarray(i, i + n);
    const text = Buffer.from(seq).toString('utf8');
    const cp = text.codePointAt(0)!;
    if (cp < 0x20 || cp === 0x7f || unsafeCodePoint(cp)) for (const b of seq) out += hex(b);
    else out += text;
    i += n;
  }
  return out;
}

/** The shown form of a path string (a user's literal one: control characters become `\xHH`). */
export function showPath(p: string): string {
  return showBytes(Buffer.from(p, 'utf8'));
}

/** The bytes a shown string stands for (`\xHH` decoded, everything else UTF-8). */
export function bytesOfShown(s: string): Buffer {
  const parts: Buffer[] = [];
  let last = 0;
  for (const m of s.matchAll(ESCAPES)) {
    parts.push(Buffer.from(s.slice(last, m.index), 'utf8'), Buffer.from([parseInt(m[1]!, 16)]));
    last = m.index + m[0].length;
  }
  parts.push(Buffer.from(s.slice(last), 'utf8'));
  return Buffer.concat(parts);
}

const SLASH = Buffer.from('/');

function exists(q: string | Buffer): boolean {
  try {
    lstatSync(q);
    return true;
  } catch {
    return false;
  }
}

/**
 * What to hand the file system for a studio path. A `\xHH` is taken literally when a file of that
 * literal name exists (a name may really contain a backslash), else as the byte it stands for;
 * this is decided one path component at a time, so one escaped folder does not change the rest.
 * Synchronous on purpose: it only probes (lstat) paths that hold an escape, which are rare, and
 * the CLI's first look at its arguments is synchronous too.
 */
export function fsPathOf(p: string): string | Buffer {
  if (process.platform === 'win32' || !ESCAPE.test(p) || exists(p)) return p;
  let acc: Buffer = Buffer.alloc(0);
  let decoded = false;
  for (const [k, part] of p.split('/').entries()) {
    const head = k > 0 ? Buffer.concat([acc, SLASH]) : acc;
    let use: Buffer = Buffer.from(part, 'utf8');
    if (ESCAPE.test(part) && !exists(Buffer.concat([head, use]))) {
      use = bytesOfShown(part);
      decoded = true;
    }
    acc = Buffer.concat([head, use]);
  }
  return decoded ? acc : p;
}
