// THE order of names shown in lists (datasets, models, folders), the same in the CLI and the
// studio (browser-safe): locale-aware and case-insensitive ("Alps", "beach", "Écrins", "Zebra"),
// digits by value ("shoot 2" before "shoot 10").

const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

/** Sort comparator for display names; names equal but for case or accents keep a fixed order. */
export function compareNames(a: string, b: string): number {
  return collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}
