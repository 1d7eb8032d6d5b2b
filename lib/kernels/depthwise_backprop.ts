/**
 * Depthwise convolution gradients built from fast kernels, for backends that lack them (wasm).
 *
 * - Filter gradient: per tap (i, j), the input window that tap reads times the output gradient,
 *   summed over batch and space (9 elementwise products and reductions for a 3x3 filter).
 * - Input gradient: a stride-1 depthwise convolution of the output gradient with the spatially
 *   flipped filter. For stride s the output gradient is first spread onto the stride grid
 *   (s-1 zeros between samples), and padded so the result has the input's size.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { convGeometry, type ConvPad, padForTaps, tapWindow } from "./_conv_geometry.ts";

/** Attributes tfjs passes to the two depthwise gradient kernels. */
export interface DepthwiseBackpropAttrs {
  strides: number | [number, number];
  pad: ConvPad;
  dilations?: number | [number, number];
  dimRoundingMode?: "floor" | "round" | "ceil";
}

/** dW[kh, kw, inC, multiplier] of `depthwiseConv2d(x, W)` given its output gradient `dy`. */
export function depthwiseBackpropFilter(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  attrs: DepthwiseBackpropAttrs,
): tf.Tensor4D {
  const [kh, kw, inC, mult] = filterShape;
  return tf.tidy(() => {
    const g = convGeometry(
      x.shape,
      filterShape,
      attrs.strides,
      attrs.pad,
      attrs.dilations ?? 1,
      attrs.dimRoundingMode,
      true,
    );
    const xPadded = padForTaps(x, g);
    // dy's channel c*mult+m belongs to input channel c.
    const dy5 = mult === 1 ? dy : tf.reshape(dy, [g.batch, g.outHeight, g.outWidth, inC, mult]);
    const taps: tf.Tensor[] = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const window = tapWindow(xPadded, g, i, j);
        const xs = mult === 1 ? window : tf.expandDims(window, 4);
        taps.push(tf.sum(tf.mul(xs, dy5), [0, 1, 2]));
      }
    }
    return tf.reshape(tf.stack(taps), [kh, kw, inC, mult]);
  });
}

/** dX of `depthwiseConv2d(x, W)` (x of shape `xShape`) given its output gradient `dy`. */
export function depthwiseBackpropInput(
  xShape: [number, number, number, number],
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  attrs: DepthwiseBackpropAttrs,
): tf.Tensor4D {
  const [kh, kw, inC, mult] = filter.shape;
  return tf.tidy(() => {
    const g = convGeometry(
      xShape,
      filter.shape,
      attrs.strides,
      attrs.pad,
      attrs.dilations ?? 1,
      attrs.dimRoundingMode,
      true,
    );
    const spread = spreadOnStrideGrid(dy, g.strideHeight, g.strideWidth);
    // dx[h] = sum_i spread[h + padTop - i*dil] * W[i]; with the flipped filter this is a valid
    // correlation over spread shifted by P = (kh-1)*dil - padTop.
    const frontH = (kh - 1) * g.dilationHeight - g.padTop;
    const frontW = (kw - 1) * g.dilationWidth - g.padLeft;
    const needH = g.inHeight + (kh - 1) * g.dilationHeight;
    const needW = g.inWidth + (kw - 1) * g.dilationWidth;
    const framed = frame(spread, frontH, needH, frontW, needW);
    const flipped = tf.reshape(tf.reverse(filter, [0, 1]), [kh, kw, inC * mult, 1]) as tf.Tensor4D;
    const dxAll = tf.depthwiseConv2d(framed, flipped, 1, "valid", "NHWC", [
      g.dilationHeight,
      g.dilationWidth,
    ]);
    if (mult === 1) return dxAll;
    return tf.sum(tf.reshape(dxAll, [g.batch, g.inHeight, g.inWidth, inC, mult]), 4) as tf.Tensor4D;
  });
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
