// One zoom/pan transform shared by every pane of the compare view, so the original, the
// reconstruction and the heatmap always show the same pixels. (cx, cy) is the image point at
// the centre of a pane; scale is screen pixels per image pixel.
export const MIN_SCALE = 0.05;
export const MAX_SCALE = 64;

export class Viewport {
  scale = $state(1);
  cx = $state(0);
  cy = $state(0);
  /** Pane size in CSS pixels. */
  width = $state(0);
  height = $state(0);
  imageWidth = $state(0);
  imageHeight = $state(0);

  setImage(w: number, h: number): void {
    const changed = w !== this.imageWidth || h !== this.imageHeight;
    this.imageWidth = w;
    this.imageHeight = h;
    if (changed) this.fit();
  }

  setPane(w: number, h: number): void {
    this.width = w;
    this.height = h;
  }

  fitScale(): number {
    if (!this.imageWidth || !this.imageHeight || !this.width || !this.height) return 1;
    return Math.min(this.width / this.imageWidth, this.height / this.imageHeight) * 0.96;
  }

  fit(): void {
    this.scale = clamp(this.fitScale(), MIN_SCALE, MAX_SCALE);
    this.cx = this.imageWidth / 2;
    this.cy = this.imageHeight / 2;
  }

  /** Zoom by `factor`, keeping the image point under pane position (px, py) in place. */
  zoomAt(factor: number, px = this.width / 2, py = this.height / 2): void {
    const next = clamp(this.scale * factor, MIN_SCALE, MAX_SCALE);
    const [ix, iy] = this.toImage(px, py);
    this.scale = next;
    this.cx = ix - (px - this.width / 2) / next;
    this.cy = iy - (py - this.height / 2) / next;
    this.clampCentre();
  }

  setScale(scale: number): void {
    this.zoomAt(scale / this.scale);
  }

  /** Move the view by (dx, dy) screen pixels. */
  pan(dx: number, dy: number): void {
    this.cx -= dx / this.scale;
    this.cy -= dy / this.scale;
    this.clampCentre();
  }

  toImage(px: number, py: number): [number, number] {
    return [this.cx + (px - this.width / 2) / this.scale, this.cy + (py - this.height / 2) / this.scale];
  }

  /** Canvas transform (with device pixel ratio) that maps image pixels onto the pane. */
  transform(dpr: number): [number, number, number, number, number, number] {
    const s = this.scale * dpr;
    return [s, 0, 0, s, dpr * (this.width / 2 - this.cx * this.scale), dpr * (this.height / 2 - this.cy * this.scale)];
  }

  private clampCentre(): void {
    this.cx = clamp(this.cx, 0, this.imageWidth);
    this.cy = clamp(this.cy, 0, this.imageHeight);
  }
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.max(lo, Math.min(hi, v));
}
