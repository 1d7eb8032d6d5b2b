/**
 * Simple statistics of one grayscale X-ray (`size * size` uint8, row-major), the features a
 * dataset shift between folders would show in: brightness, contrast, how dark the border is,
 * how much of the picture is body, and where a bright side marker ("R"/"L" letters) sits.
 *
 * - `mean`: mean intensity / 255;
 * - `contrast`: standard deviation of the intensity / 255;
 * - `borderMean`: mean intensity of the outer band (`border` of the side on each edge) / 255;
 *   low = dark border;
 * - `bodyFraction`: share of pixels above Otsu's threshold (a threshold-based body mask);
 * - `markerShare`: share of the outer band's pixels at or above `markerLevel` (near-white:
 *   burnt-in letters and labels; bright bone near the edge counts too, so it is an estimate);
 * - `markerX`, `markerY`: centroid of those pixels as a fraction of the side (0 = left/top),
 *   0.5 when there are none.
 *
 * @module
 */
import { fail } from "../errors.ts";

/** The statistics, in the order of {@linkcode STAT_NAMES}. */
export const STAT_NAMES = [
  "mean",
  "contrast",
  "borderMean",
  "bodyFraction",
  "markerShare",
  "markerX",
  "markerY",
] as const;
/** One statistic's name. */
export type StatName = typeof STAT_NAMES[number];
/** The statistics of one image. */
export type ImageStats = Record<StatName, number>;

/** Options for {@linkcode imageStats}. */
export interface ImageStatsOptions {
  /** Width of the outer band as a fraction of the side. Default 0.1. */
  border?: number;
  /** Gray level from which a border pixel counts as marker. Default 240. */
  markerLevel?: number;
}

function checkImage(pixels: Uint8Array, size: number, what: string): void {
  if (pixels.length !== size * size) {
    fail(`${what}: ${pixels.length} pixels for a ${size}x${size} image`);
  }
}

/** Pixels of the outer band are those less than `band` pixels from an edge. */
export function bandWidth(size: number, fraction: number): number {
  if (!(fraction >= 0 && fraction < 0.5)) fail(`border fraction ${fraction} must be in [0, 0.5)`);
  return Math.round(size * fraction);
}

/** Whether pixel (row r, column c) lies in the outer band of width `band`. */
export const inBand = (r: number, c: number, size: number, band: number): boolean =>
  r < band || c < band || r >= size - band || c >= size - band;

/**
 * Otsu's threshold of uint8 values: the level t maximising the between-class variance of
 * {v < t} and {v >= t}; the lowest such t on ties, 0 for a constant image.
 */
export function otsuThreshold(pixels: Uint8Array): number {
  const hist = new Float64Array(256);
  for (const v of pixels) hist[v]++;
  const n = pixels.length;
  let total = 0;
  for (let v = 0; v < 256; v++) total += v * hist[v];
  let w0 = 0, sum0 = 0, best = 0, bestVar = 0;
  for (let t = 1; t < 256; t++) {
    w0 += hist[t - 1];
    sum0 += (t - 1) * hist[t - 1];
    const w1 = n - w0;
    if (w0 === 0 || w1 === 0) continue;
    const between = w0 * w1 * (sum0 / w0 - (total - sum0) / w1) ** 2;
    if (between > bestVar + 1e-9) [best, bestVar] = [t, between];
  }
  return best;
}

/** The statistics of one image (see the module doc). */
export function imageStats(
  pixels: Uint8Array,
  size: number,
  opts: ImageStatsOptions = {},
): ImageStats {
  checkImage(pixels, size, "imageStats");
  const band = bandWidth(size, opts.border ?? 0.1);
  const level = opts.markerLevel ?? 240;
  const t = otsuThreshold(pixels);
  let sum = 0, sq = 0, body = 0, bSum = 0, bN = 0, mN = 0, mX = 0, mY = 0;
  for (let r = 0; r < size; r++) {
    for (let c = 0; c < size; c++) {
      const v = pixels[r * size + c];
      sum += v;
      sq += v * v;
      if (t > 0 && v >= t) body++;
      if (!inBand(r, c, size, band)) continue;
      bSum += v;
      bN++;
      if (v >= level) [mN, mX, mY] = [mN + 1, mX + c, mY + r];
    }
  }
  const n = size * size;
  const mean = sum / n;
  const side = Math.max(size - 1, 1);
  return {
    mean: mean / 255,
    contrast: Math.sqrt(Math.max(sq / n - mean * mean, 0)) / 255,
    borderMean: bN ? bSum / bN / 255 : NaN,
    bodyFraction: body / n,
    markerShare: bN ? mN / bN : 0,
    markerX: mN ? mX / mN / side : 0.5,
    markerY: mN ? mY / mN / side : 0.5,
  };
}
