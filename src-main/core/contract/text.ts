// Which characters a name or id may not hold (dataset and model names, model ids in .latent and
// .lsmodel files, evaluation and pack names). Browser-safe. Names are shown on one line, in
// tables, messages and file names, so:
// - C0 and C1 controls, DEL, and the line and paragraph separators would break the line;
// - the bidirectional controls (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069) reorder
//   what is shown, so "invoice\u202Egpj.exe" reads as "invoiceexe.jpg".
import { z } from 'zod';

export function isUnsafeNameChar(codePoint: number): boolean {
  const c = codePoint;
  return (
    c < 0x20 ||
    (c >= 0x7f && c <= 0x9f) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x061c ||
    c === 0x200e ||
    c === 0x200f ||
    (c >= 0x202a && c <= 0x202e) ||
    (c >= 0x2066 && c <= 0x2069)
  );
}

/** The first character a name may not hold, as `U+XXXX`, or null when there is none. */
export function unsafeNameChar(s: string): string | null {
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (isUnsafeNameChar(c)) return `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return null;
}

/** A request's name field of at most `max` characters; `what` starts the message ("model names"). */
export function nameString(what: string, max: number) {
  return z
    .string()
    .min(1)
    .max(max)
    .refine((s) => unsafeNameChar(s) === null, `${what} cannot contain control or bidirectional-control characters`);
}
