// What MS-SSIM means on small images, said where it is shown (Compare's table, Charts' MS-SSIM
// chart): its five scales need 161 px a side; smaller images use fewer, and the smallest only
// one, so it is just SSIM there. How many an image gets is the core's rule (metrics/ssim-scales.ts).
import { MSSSIM_WEIGHTS, msssimScales } from '../../../src-main/core/metrics/ssim-scales';

/** A sentence for images of this size, or null when MS-SSIM has all its scales. */
export function msssimNote(width: number, height: number): string | null {
  const scales = msssimScales(width, height);
  if (scales >= MSSSIM_WEIGHTS.length) return null;
  return scales === 1
    ? `At ${width}×${height} MS-SSIM has room for one scale only, so it equals SSIM here.`
    : `At ${width}×${height} MS-SSIM uses fewer than its five scales, so it reads close to SSIM.`;
}
