// How sizes and ratios read, the same on the command line and in the studio (browser-safe).

/** 1023 B, 9.8 KB, 120 KB, 4.2 MB, 1.05 GB (binary multiples). */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  if (n < 1024) return `${Math.round(n)} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(n < 10 * 1024 ? 1 : 0)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

/** A compression ratio as "125:1" (one decimal under 10: "4.2:1"). */
export function formatRatio(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  return `${n >= 10 ? n.toFixed(0) : n.toFixed(1)}:1`;
}
