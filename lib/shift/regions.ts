/**
 * Regions of a square image used to test for shortcuts: a fixed central "lung box", a body
 * mask from Otsu's threshold, the share of a Grad-CAM heatmap's mass inside a region, and
 * the outer border blanked out (so side markers and edges cannot drive a prediction).
 *
 * @module
 */
import { fail } from "../errors.ts";
import { otsuThreshold } from "./stats.ts";

/** A box as fractions of the side: columns [x0, x1), rows [y0, y1). */
export interface Box {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
}

/**
 * The fixed lung region: the central 70% of the width and rows 10%–75% of the height, where
 * both lungs of a frontal chest film lie; it leaves out the edges, the shoulders' corners, and
 * the diaphragm and abdomen below.
 */
export const LUNG_BOX: Readonly<Box> = { x0: 0.15, x1: 0.85, y0: 0.1, y1: 0.75 };

/** A `size * size` 0/1 mask of `box`: pixel (r, c) is inside when its centre is. */
export function boxMask(size: number, box: Box = LUNG_BOX): Uint8Array {
  const mask = new Uint8Array(size * size);
  for (let r = 0; r < size; r++) {
    const y = (r + 0.5) / size;
    if (y < box.y0 || y >= box.y1) continue;
    for (let c = 0; c < size; c++) {
      const x = (c + 0.5) / size;
      if (x >= box.x0 && x < box.x1) mask[r * size + c] = 1;
    }
  }
  return mask;
}

/** A 0/1 mask of the pixels at or above Otsu's threshold (all 0 for a constant image). */
export function bodyMask(pixels: Uint8Array): Uint8Array {
  const t = otsuThreshold(pixels);
  return pixels.map((v) => (t > 0 && v >= t ? 1 : 0));
}

/**
 * The share of the heatmap's total inside `mask` (NaN when the heatmap is all 0, as Grad-CAM
 * is when nothing raises the score).
 */
export function massInside(heat: ArrayLike<number>, mask: Uint8Array): number {
  if (heat.length !== mask.length) {
    fail(`massInside: heatmap of ${heat.length} values, mask of ${mask.length}`);
  }
  let inside = 0, total = 0;
  for (let i = 0; i < heat.length; i++) {
    total += heat[i];
    if (mask[i]) inside += heat[i];
  }
  return total > 0 ? inside / total : NaN;
}

export { blankBorder } from "../augment/border.ts";
