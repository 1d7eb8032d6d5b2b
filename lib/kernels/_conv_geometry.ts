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
