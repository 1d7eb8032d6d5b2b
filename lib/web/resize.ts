/**
 * The training pipeline's fill-resize (sharp 0.35 / libvips 8.18 `resize` with the lanczos3
 * kernel, lib/data/decode.ts) re-implemented without dependencies, so a web page resizes
 * decoded pixels to the model input exactly as `cxr prepare` and `cxr predict` do.
 *
 * libvips reduces rows first, then columns, each axis in 8-bit fixed point: a box shrink by
 * the integer part of `factor / 2` when that is 2 or more, then a lanczos3 convolution whose
 * 65 sub-pixel masks are quantised to 1/4096; it enlarges with a fixed-point bicubic. The same
 * integer arithmetic here gives the same bytes (tests/web/resize_test.ts compares with sharp).
 * One case is approximate: sharp decodes a JPEG 3x or more larger than the target at 1/2 (1/4,
 * 1/8) scale in the DCT domain, for which {@linkcode fillResize} substitutes a box average.
 *
 * @module
 */

/** A grayscale image, row-major, one byte per pixel. */
export interface GrayImage {
  width: number;
  height: number;
  data: Uint8Array;
}

const TRANSFORM_SCALE = 64; // VIPS_TRANSFORM_SCALE: sub-pixel positions per pixel
const INTERPOLATE_SHIFT = 12; // VIPS_INTERPOLATE_SHIFT: mask precision
const GAP = 2; // vips_resize's default "gap": box-shrink only what leaves >= 2x for lanczos

function sinc(x: number): number {
  if (x === 0) return 1;
  const px = x * Math.PI;
  return Math.sin(px) / px;
}

const lanczos3 = (x: number) => (x >= -3 && x <= 3 ? sinc(x) * sinc(x / 3) : 0);

/** Round half to even, as C's rint() in the default rounding mode. */
function rint(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** libvips' integer masks for a lanczos3 reduction by `shrink`, one per sub-pixel position. */
function masks(shrink: number, n: number): Int16Array[] {
  return Array.from({ length: TRANSFORM_SCALE + 1 }, (_, t) => {
    const half = Math.fround(t / TRANSFORM_SCALE) + n / 2 - 1;
    const c = Array.from({ length: n }, (_, i) => lanczos3((i - half) / shrink));
    const sum = c.reduce((a, b) => a + b, 0);
    return Int16Array.from(c, (v) => Math.trunc((v / sum) * (1 << INTERPOLATE_SHIFT)));
  });
}

/** One axis as lines: `get(line, i)` reads sample i of a line, `lines` lines of `length`. */
interface Axis {
  lines: number;
  length: number;
  get: (line: number, i: number) => number;
}

/** vips_shrinkv/h with ceil: means of `k` samples, the last block padded by repetition. */
function boxShrink(axis: Axis, k: number): { length: number; out: Uint8Array } {
  const length = Math.ceil(axis.length / k);
  const out = new Uint8Array(axis.lines * length);
  const multiplier = Math.floor(2 ** 32 / (256 * k));
  for (let line = 0; line < axis.lines; line++) {
    for (let o = 0; o < length; o++) {
      let sum = 0;
      for (let j = 0; j < k; j++) sum += axis.get(line, Math.min(o * k + j, axis.length - 1));
      // libvips divides by multiplying with floor(2^32 / (256 k)) in 32 bits, then >> 24.
      out[line * length + o] = Math.imul(sum + (k >> 1), multiplier) >>> 24;
    }
  }
  return { length, out };
}

/**
 * vips_reducev/h: reduces every line of `axis` by `factor` (>= 1), returning lines of
 * round(length / factor) samples, line-major.
 */
function reduceAxis(
  axis: Axis,
  factor: number,
  accumulate: boolean,
): { length: number; out: Uint8Array } {
  const outLength = Math.floor(axis.length / factor + 0.5);
  let extra = outLength * factor - axis.length;
  let residual = factor;
  const intShrink = Math.max(1, Math.floor(axis.length / outLength / GAP));
  let src = axis;
  if (intShrink > 1) {
    const shrunk = boxShrink(axis, intShrink);
    src = {
      lines: axis.lines,
      length: shrunk.length,
      get: (line, i) => shrunk.out[line * shrunk.length + i],
    };
    residual /= intShrink;
    extra /= intShrink;
  }
  if (residual === 1) {
    const out = new Uint8Array(src.lines * src.length);
    for (let l = 0; l < src.lines; l++) {
      for (let i = 0; i < src.length; i++) out[l * src.length + i] = src.get(l, i);
    }
    return { length: src.length, out };
  }
  const n = 2 * rint(3 * residual) + 1;
  const mask = masks(residual, n);
  const offset = (1 + extra) / 2 - 1;
  const pad = Math.ceil(n / 2) - 1; // the input is extended by copying its edge samples
  const out = new Uint8Array(src.lines * outLength);
  const round = 1 << (INTERPOLATE_SHIFT - 1);
  // libvips steps x by `residual` along a line (reduceh) but computes it per line (reducev);
  // the two can round differently.
  let x = 0.5 * residual - 0.5 - offset;
  for (let o = 0; o < outLength; o++, x += residual) {
    if (!accumulate) x = (o + 0.5) * residual - 0.5 - offset;
    const ix = Math.trunc(x);
    const t = ((Math.trunc(x * TRANSFORM_SCALE * 2) & (TRANSFORM_SCALE * 2 - 1)) + 1) >> 1;
    const m = mask[t];
    for (let line = 0; line < src.lines; line++) {
      let sum = 0;
      for (let i = 0; i < n; i++) {
        const at = Math.min(src.length - 1, Math.max(0, ix + i - pad));
        sum += src.get(line, at) * m[i];
      }
      out[line * outLength + o] = Math.min(255, Math.max(0, (sum + round) >> INTERPOLATE_SHIFT));
    }
  }
  return { length: outLength, out };
}

/** libvips' Catmull-Rom coefficients at fraction `x`, in 1/4096 (truncated, as its tables). */
function catmullRom(x: number): Int32Array {
  const cr1 = 1 - x, cr2 = -0.5 * x, cr3 = cr1 * cr2;
  const cone = cr1 * cr3, cfou = x * cr3, cr4 = cfou - cone;
  const c = [cone, cr1 - cone + cr4, x - cfou - cr4, cfou];
  return Int32Array.from(c, (v) => Math.trunc(v * (1 << INTERPOLATE_SHIFT)));
}

const CATMULL = Array.from(
  { length: TRANSFORM_SCALE + 1 },
  (_, t) => catmullRom(Math.fround(t / TRANSFORM_SCALE)),
);

/** libvips' rounding of a 1/4096 fixed-point sum (an arithmetic shift: floor). */
const fixedRound = (v: number) => (v + (1 << (INTERPOLATE_SHIFT - 1))) >> INTERPOLATE_SHIFT;

/** The 1/64 table index and the whole part of a position, as libvips' interpolators take them. */
function tableIndex(x: number): [number, number] {
  const t = ((Math.trunc(x * TRANSFORM_SCALE * 2) & (TRANSFORM_SCALE * 2 - 1)) + 1) >> 1;
  return [Math.trunc(x), t];
}

/**
 * vips_resize's enlargement in libvips 8.18: vips_affine with the bicubic interpolator, the
 * input displaced by half a pixel on both axes (also on an axis kept at scale 1).
 */
function enlarge(img: GrayImage, width: number, height: number): GrayImage {
  const sx = width / img.width, sy = height / img.height;
  const data = new Uint8Array(width * height);
  // Positions carry libvips' window offset of 1: pixel i sits at i + 1.
  const at = (r: number, c: number) =>
    img.data[
      Math.min(img.height - 1, Math.max(0, r)) * img.width +
      Math.min(img.width - 1, Math.max(0, c))
    ];
  for (let y = 0; y < height; y++) {
    const [iy, ty] = tableIndex((1 / sy) * y - 0.5 + 1);
    const cy = CATMULL[ty];
    let xPos = -0.5 + 1;
    for (let x = 0; x < width; x++, xPos += 1 / sx) {
      const [ix, tx] = tableIndex(xPos);
      const cx = CATMULL[tx];
      let sum = 0;
      for (let k = 0; k < 4; k++) {
        const r = iy - 2 + k;
        const row = fixedRound(
          cx[0] * at(r, ix - 2) + cx[1] * at(r, ix - 1) + cx[2] * at(r, ix) +
            cx[3] * at(r, ix + 1),
        );
        sum += cy[k] * row;
      }
      data[y * width + x] = Math.min(255, Math.max(0, fixedRound(sum)));
    }
  }
  return { width, height, data };
}

/** Reduces one axis ("v": height, "h": width) of `img` to `size`, as vips_resize does. */
function resizeAxis(img: GrayImage, size: number, dir: "v" | "h"): GrayImage {
  const { width, height, data } = img;
  const length = dir === "v" ? height : width;
  if (length === size) return img;
  const axis: Axis = dir === "v"
    ? { lines: width, length: height, get: (col, i) => data[i * width + col] }
    : { lines: height, length: width, get: (row, i) => data[row * width + i] };
  // sharp passes scale = 1 / (length / size); vips reduces by 1 / scale.
  const factor = 1 / (1 / (length / size));
  const lines = reduceAxis(axis, factor, dir === "h").out;
  if (dir === "h") return { width: size, height, data: lines };
  const out = new Uint8Array(width * size); // column-major -> row-major
  for (let col = 0; col < width; col++) {
    for (let r = 0; r < size; r++) out[r * width + col] = lines[col * size + r];
  }
  return { width, height: size, data: out };
}

/**
 * The JPEG shrink-on-load factor sharp picks for this resize (1, 2, 4 or 8): sharp decodes such
 * a JPEG at that fraction of its size, and the resize continues from there.
 */
export function jpegShrinkOnLoad(hshrink: number, vshrink: number): number {
  const shrink = Math.min(hshrink, vshrink);
  let factor = shrink >= 8 ? 8 : shrink >= 4 ? 4 : shrink >= 2 ? 2 : 1;
  // sharp halves it where libjpeg's rounding would make the image smaller than the target.
  if (factor > 1 && Math.trunc(shrink) === factor) factor /= 2;
  return factor;
}

/** Box average by `k` with partial edge blocks averaged over what they hold (a JPEG decoded at 1/k). */
function shrinkOnLoad(img: GrayImage, k: number): GrayImage {
  const width = Math.ceil(img.width / k), height = Math.ceil(img.height / k);
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0, count = 0;
      for (let dy = 0; dy < k && y * k + dy < img.height; dy++) {
        for (let dx = 0; dx < k && x * k + dx < img.width; dx++) {
          sum += img.data[(y * k + dy) * img.width + x * k + dx];
          count++;
        }
      }
      data[y * width + x] = Math.round(sum / count);
    }
  }
  return { width, height, data };
}

/** Options for {@linkcode fillResize}. */
export interface FillResizeOptions {
  /** The image was a JPEG (sharp may decode it at a reduced scale). Default false. */
  jpeg?: boolean;
}

/**
 * `img` resized to `width` x `height` without keeping the aspect ratio, byte-for-byte as
 * sharp's `resize(width, height, { fit: "fill", kernel: "lanczos3" })` (see the module doc for
 * the two approximate cases).
 */
export function resizeFill(
  img: GrayImage,
  width: number,
  height: number,
  opts: FillResizeOptions = {},
): GrayImage {
  const k = opts.jpeg ? jpegShrinkOnLoad(img.width / width, img.height / height) : 1;
  let out = k > 1 ? shrinkOnLoad(img, k) : img;
  // libvips reduces (rows, then columns) before it enlarges.
  if (out.height > height) out = resizeAxis(out, height, "v");
  if (out.width > width) out = resizeAxis(out, width, "h");
  if (out.height < height || out.width < width) out = enlarge(out, width, height);
  return out;
}

/** {@linkcode resizeFill} to a `size` x `size` square, the model input. */
export function fillResize(img: GrayImage, size: number, opts: FillResizeOptions = {}): GrayImage {
  return resizeFill(img, size, size, opts);
}
