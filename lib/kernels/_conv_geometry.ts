/**
 * Shared geometry of the convolution gradient kernels: where each filter tap reads its input.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** Padding accepted by tfjs convolution kernels. */
export type ConvPad = "same" | "valid" | number | tf.backend_util.ExplicitPadding;

/** What a convolution kernel's attributes describe, resolved to numbers (NHWC only). */
export interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  outHeight: number;
  outWidth: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  padTop: number;
  padLeft: number;
}

/**
 * `filter` [kh, kw, ...] flipped in both spatial axes (tap (i, j) moved to (kh-1-i, kw-1-j)), as
 * the input gradients need. Flipping both axes reverses the flattened tap index, so it is one
 * gather of kh*kw rows; a 1x1 filter is returned as it is. tfjs-wasm's own `Reverse` went
 * element by element: 16-22 ms for a 1x1 filter of MobileNetV2's top (960x320, 320x1280),
 * once per input gradient.
 */
export function flipTaps(filter: tf.Tensor4D): tf.Tensor4D {
  const [kh, kw, a, b] = filter.shape;
  if (kh * kw === 1) return filter;
  return tf.tidy(() => {
    const taps = tf.reshape(filter, [kh * kw, a * b]);
    const reversed = tf.tensor1d(
      Array.from({ length: kh * kw }, (_, t) => kh * kw - 1 - t),
      "int32",
    );
    return tf.reshape(tf.gather(taps, reversed), filter.shape) as tf.Tensor4D;
  });
}

/** Resolves a convolution's attributes with tfjs' own `computeConv2DInfo`. */
export function convGeometry(
  xShape: readonly number[],
  filterShape: readonly number[],
  strides: number | [number, number],
  pad: ConvPad,
  dilations: number | [number, number] = 1,
  dimRoundingMode?: "floor" | "round" | "ceil",
  depthwise = false,
): ConvGeometry {
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    strides,
    dilations,
    pad,
    dimRoundingMode,
    depthwise,
  );
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    dilationHeight: info.dilationHeight,
    dilationWidth: info.dilationWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

/**
 * Zero-pads `x` so that every tap's strided window lies inside it (tap (i, j) reads rows
 * `i*dilation + stride*oh` of the result, for oh in [0, outHeight)) and so that height and
 * width are multiples of the strides (see {@linkcode tapWindow}).
 */
export function padForTaps(x: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  const roundUp = (v: number, m: number) => Math.ceil(v / m) * m;
  const needH = (g.filterHeight - 1) * g.dilationHeight + g.strideHeight * (g.outHeight - 1) + 1;
  const needW = (g.filterWidth - 1) * g.dilationWidth + g.strideWidth * (g.outWidth - 1) + 1;
  const bottom = roundUp(Math.max(needH, g.padTop + g.inHeight), g.strideHeight) - g.padTop -
    g.inHeight;
  const right = roundUp(Math.max(needW, g.padLeft + g.inWidth), g.strideWidth) - g.padLeft -
    g.inWidth;
  if (g.padTop === 0 && g.padLeft === 0 && bottom === 0 && right === 0) return x;
  return tf.pad(x, [[0, 0], [g.padTop, bottom], [g.padLeft, right], [0, 0]]);
}

/**
 * The input window tap (i, j) multiplies with the output: shape [batch, outH, outW, C].
 * Only contiguous slices are used (tfjs-wasm's general StridedSlice is a slow per-element
 * loop): a stride-s window is a slice of `x` viewed as [n, H/s, s, W*C], then of that viewed
 * as [n*outH, W/s, s*C].
 */
export function tapWindow(
  xPadded: tf.Tensor4D,
  g: ConvGeometry,
  i: number,
  j: number,
): tf.Tensor4D {
  const top = i * g.dilationHeight;
  const left = j * g.dilationWidth;
  const [n, hp, wp, c] = xPadded.shape;
  const { strideHeight: sh, strideWidth: sw, outHeight: oh, outWidth: ow } = g;
  if (sh === 1 && sw === 1) {
    if (top === 0 && left === 0 && hp === oh && wp === ow) return xPadded;
    return tf.slice(xPadded, [0, top, left, 0], [n, oh, ow, c]);
  }
  const rows = tf.slice(
    tf.reshape(xPadded, [n, hp / sh, sh, wp * c]),
    [0, Math.floor(top / sh), top % sh, 0],
    [n, oh, 1, wp * c],
  );
  const cols = tf.slice(
    tf.reshape(rows, [n * oh, wp / sw, sw * c]),
    [0, Math.floor(left / sw), (left % sw) * c],
    [n * oh, ow, c],
  );
  return tf.reshape(cols, [n, oh, ow, c]);
}

/**
 * The output gradient laid out so that the input gradient is a stride-1 "valid" correlation of
 * it with the spatially flipped filter: dy spread onto the stride grid (s-1 zeros between
 * samples), then shifted and padded or cropped to input size + (k-1)*dilation.
 * dx[h] = sum_i spread[h + padTop - i*dil] * W[i], i.e. a correlation over spread shifted by
 * (kh-1)*dil - padTop.
 */
export function gradientFrame(dy: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  const spread = spreadOnStrideGrid(dy, g.strideHeight, g.strideWidth);
  const frontH = (g.filterHeight - 1) * g.dilationHeight - g.padTop;
  const frontW = (g.filterWidth - 1) * g.dilationWidth - g.padLeft;
  const needH = g.inHeight + (g.filterHeight - 1) * g.dilationHeight;
  const needW = g.inWidth + (g.filterWidth - 1) * g.dilationWidth;
  return frame(spread, frontH, needH, frontW, needW);
}

/** Puts dy[n, oh, ow] at [n, oh*sh, ow*sw] of a zero tensor (shape [n, OH*sh, OW*sw, C]). */
function spreadOnStrideGrid(dy: tf.Tensor4D, sh: number, sw: number): tf.Tensor4D {
  if (sh === 1 && sw === 1) return dy;
  const [n, oh, ow, c] = dy.shape;
  const gridded = tf.pad(tf.reshape(dy, [n * oh, 1, ow, 1, c]), [[0, 0], [0, sh - 1], [0, 0], [
    0,
    sw - 1,
  ], [0, 0]]);
  return tf.reshape(gridded, [n, oh * sh, ow * sw, c]);
}

/** Shifts `t` by `front` rows/cols (padding with zeros, or cropping if negative) to length `need`. */
function frame(
  t: tf.Tensor4D,
  frontH: number,
  needH: number,
  frontW: number,
  needW: number,
): tf.Tensor4D {
  const [, h, w] = t.shape;
  const padded = tf.pad(t, [
    [0, 0],
    [Math.max(0, frontH), Math.max(0, needH - frontH - h)],
    [Math.max(0, frontW), Math.max(0, needW - frontW - w)],
    [0, 0],
  ]);
  const top = Math.max(0, -frontH);
  const left = Math.max(0, -frontW);
  if (top === 0 && left === 0 && padded.shape[1] === needH && padded.shape[2] === needW) {
    return padded;
  }
  return tf.slice(padded, [0, top, left, 0], [-1, needH, needW, -1]);
}
