// What MS-SSIM means on small images, said where it is shown (Compare's table, Charts' MS-SSIM
// chart): its five scales need 161 px a side (core metrics/msssim.ts); smaller images use fewer,
// and under 22 px only one, so it is just SSIM there.

/** A sentence for images of this size, or null when MS-SSIM has all its scales. */
export function msssimNote(width: number, height: number): string | null {
  const side = Math.min(width, height);
  if (side >= 161) return null;
  return side < 22
    ? `At ${width}×${height} MS-SSIM has room for one scale only, so it equals SSIM here.`
    : `At ${width}×${height} MS-SSIM uses fewer than its five scales, so it reads close to SSIM.`;
}
