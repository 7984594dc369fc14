// SSIM's window and how many scales MS-SSIM fits in an image: browser-safe (no imports), so the
// renderer says what MS-SSIM means on small images by the same rule the metric computes with.

/** Side of SSIM's Gaussian window, in pixels. */
export const SSIM_WINDOW = 11;

/** The standard weights of MS-SSIM's five scales (Wang, Simoncelli, Bovik 2003). */
export const MSSSIM_WEIGHTS = [0.0448, 0.2856, 0.3001, 0.2363, 0.1333] as const;

/** Scales used for a width x height image: up to 5, the coarsest at least SSIM_WINDOW px a side. */
export function msssimScales(width: number, height: number): number {
  let scales = 1;
  let w = width;
  let h = height;
  while (scales < MSSSIM_WEIGHTS.length) {
    w = Math.ceil(w / 2);
    h = Math.ceil(h / 2);
    if (Math.min(w, h) < SSIM_WINDOW) break;
    scales++;
  }
  return scales;
}
