/**
 * Border masking: the outer band of an image set to black, so burnt-in side markers and the
 * film's edge cannot drive a prediction. Applied the same way in training and evaluation
 * (config field `borderMask`), and by the shortcut checks of lib/shift.
 *
 * @module
 */
import type { ImageCache } from "../data/mod.ts";
import { fail } from "../errors.ts";

/**
 * A copy of the `size * size` image with the outer band (`fraction` of the side on each edge,
 * rounded to whole pixels) set to `fill`. `fraction` 0 returns an unchanged copy.
 */
export function blankBorder(
  pixels: Uint8Array,
  size: number,
  fraction: number,
  fill = 0,
): Uint8Array {
  if (pixels.length !== size * size) {
    fail(`blankBorder: ${pixels.length} pixels for a ${size}x${size} image`);
  }
  if (!(fraction >= 0 && fraction < 0.5)) fail(`border fraction ${fraction} must be in [0, 0.5)`);
  const band = Math.round(size * fraction);
  const out = pixels.slice();
  if (band === 0) return out;
  out.fill(fill, 0, band * size);
  out.fill(fill, (size - band) * size);
  for (let r = band; r < size - band; r++) {
    out.fill(fill, r * size, r * size + band);
    out.fill(fill, (r + 1) * size - band, (r + 1) * size);
  }
  return out;
}

/** `images` seen through {@linkcode blankBorder} (the same cache when `fraction` is 0). */
export function borderMasked(images: ImageCache, fraction: number): ImageCache {
  if (!fraction) return images;
  return {
    size: images.size,
    count: images.count,
    failed: images.failed,
    has: (sha256) => images.has(sha256),
    pixels: (sha256) => blankBorder(images.pixels(sha256), images.size, fraction),
  };
}
