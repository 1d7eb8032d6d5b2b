/**
 * `Conv2DBackpropFilter` from matrix products, for backends that lack it (wasm).
 *
 * The filter gradient of a convolution is, per filter tap (i, j), the product of the input
 * window that tap reads (batch*outH*outW rows, inC columns) transposed with the output
 * gradient (same rows, outC columns). A 1x1 stride-1 convolution is a single product. tfjs-wasm
 * only sends untransposed single-batch products to XNNPACK (anything else takes a scalar
 * loop), so the transpose is done explicitly, on the smaller operand. A stride-1 filter larger
 * than 1x1 is one convolution instead (see `asOneConvolution`).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { Conv2DBackpropFilterAttrs } from "@tensorflow/tfjs-core";
import { convGeometry, padForTaps, tapWindow } from "./_conv_geometry.ts";

/** dW[kh, kw, inC, outC] of `conv2d(x, W, strides, pad)` given its output gradient `dy`. */
export function conv2dBackpropFilter(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  attrs: Conv2DBackpropFilterAttrs,
): tf.Tensor4D {
  if (attrs.dataFormat === "NCHW") throw new Error("conv2dBackpropFilter: NCHW is not supported");
  const [kh, kw, inC, outC] = attrs.filterShape;
  return tf.tidy(() => {
    const g = convGeometry(
      x.shape,
      attrs.filterShape,
      attrs.strides,
      attrs.pad,
      1,
      attrs.dimRoundingMode,
    );
    const xPadded = padForTaps(x, g);
    if (kh * kw > 1 && g.strideHeight * g.strideWidth * g.dilationHeight * g.dilationWidth === 1) {
      return asOneConvolution(xPadded, dy, attrs.filterShape);
    }
    const rows = g.batch * g.outHeight * g.outWidth;
    const dy2d = tf.reshape(dy, [rows, outC]) as tf.Tensor2D;
    const taps: tf.Tensor2D[] = [];
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const window = tf.reshape(tapWindow(xPadded, g, i, j), [rows, inC]) as tf.Tensor2D;
        taps.push(transposedProduct(window, dy2d));
      }
    }
    const stacked = taps.length === 1 ? taps[0] : tf.stack(taps);
    return tf.reshape(stacked, [kh, kw, inC, outC]);
  });
}

/**
 * A stride-1 filter gradient as one convolution: dW[i, j, c, o] = sum over (b, h, w) of
 * xPadded[b, h + i, w + j, c] * dy[b, h, w, o] is a "valid" convolution of xPadded laid out as
 * [C, H, W, batch] (C images, batch channels) with dy laid out as an outH x outW filter
 * [outH, outW, batch, outC]. One product instead of one per tap, and no copy per tap: on 2 cores
 * the baseline CNN's four 3x3 gradients took about a fifth less time than tap by tap.
 */
function asOneConvolution(
  xPadded: tf.Tensor4D,
  dy: tf.Tensor4D,
  [kh, kw, inC, outC]: [number, number, number, number],
): tf.Tensor4D {
  const xT = tf.transpose(xPadded, [3, 1, 2, 0]) as tf.Tensor4D;
  const dyT = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D;
  // padForTaps may pad past the last tap's reach; keep the kh x kw taps.
  const taps = tf.slice(tf.conv2d(xT, dyT, 1, "valid"), [0, 0, 0, 0], [inC, kh, kw, outC]);
  return tf.transpose(taps, [1, 2, 0, 3]);
}

/**
 * Largest filter (in floats) handed to XNNPACK in one product: at 160 px and batch 32 the first
 * layers' products have ~800k rows, and XNNPACK then fails to allocate the packed filter
 * (status 6) inside the 4 GiB wasm heap. Longer products are summed over row chunks.
 */
const MAX_FILTER_FLOATS = 1 << 24;

/**
 * a^T b for a [rows, m] and b [rows, n]. Run as a 1x1 convolution of the transposed smaller
 * operand (m or n "pixels" with `rows` channels) by the other (a [rows, n] filter): tfjs-wasm
 * gives XNNPACK's convolution its thread pool, while its matMul runs on one thread. Products
 * whose filter would exceed `maxFilterFloats` are summed over chunks of rows.
 */
export function transposedProduct(
  a: tf.Tensor2D,
  b: tf.Tensor2D,
  maxFilterFloats: number = MAX_FILTER_FLOATS,
): tf.Tensor2D {
  const rows = a.shape[0];
  const chunk = Math.max(1, Math.floor(maxFilterFloats / Math.max(a.shape[1], b.shape[1])));
  if (rows > chunk) {
    return tf.tidy(() => {
      const parts: tf.Tensor2D[] = [];
      for (let start = 0; start < rows; start += chunk) {
        const size = Math.min(chunk, rows - start);
        parts.push(transposedProduct(
          tf.slice(a, [start, 0], [size, -1]),
          tf.slice(b, [start, 0], [size, -1]),
          maxFilterFloats,
        ));
      }
      return tf.addN(parts);
    });
  }
  const conv = (p: tf.Tensor2D, q: tf.Tensor2D) =>
    tf.reshape(
      tf.conv2d(
        tf.reshape(tf.transpose(p), [1, 1, p.shape[1], rows]) as tf.Tensor4D,
        tf.reshape(q, [1, 1, rows, q.shape[1]]) as tf.Tensor4D,
        1,
        "valid",
      ),
      [p.shape[1], q.shape[1]],
    ) as tf.Tensor2D;
  return tf.tidy(() => a.shape[1] <= b.shape[1] ? conv(a, b) : tf.transpose(conv(b, a)));
}
