import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../lib/backend.ts";
import { transposedProduct } from "../../lib/kernels/mod.ts";
import { flipTaps } from "../../lib/kernels/_conv_geometry.ts";
import { Rng } from "../../lib/util/rng.ts";

type Pad = "same" | "valid";
interface Case {
  kind: "conv" | "depthwise";
  x: [number, number, number, number];
  k: [number, number];
  outC: number; // conv: output channels; depthwise: channel multiplier
  stride: number;
  pad: Pad;
}

const CASES: Case[] = [
  { kind: "conv", x: [2, 7, 7, 5], k: [1, 1], outC: 6, stride: 1, pad: "same" },
  { kind: "conv", x: [2, 7, 7, 8], k: [1, 1], outC: 3, stride: 1, pad: "valid" },
  { kind: "conv", x: [2, 8, 9, 3], k: [3, 3], outC: 4, stride: 2, pad: "same" },
  { kind: "conv", x: [1, 9, 8, 3], k: [3, 3], outC: 5, stride: 2, pad: "valid" },
  { kind: "conv", x: [2, 6, 6, 4], k: [3, 2], outC: 2, stride: 1, pad: "same" },
  { kind: "conv", x: [1, 7, 7, 4], k: [1, 1], outC: 3, stride: 2, pad: "same" },
  { kind: "conv", x: [2, 9, 9, 3], k: [3, 3], outC: 4, stride: 2, pad: "same" },
  { kind: "conv", x: [1, 10, 10, 2], k: [5, 5], outC: 3, stride: 1, pad: "same" },
  { kind: "conv", x: [3, 8, 7, 3], k: [3, 3], outC: 4, stride: 1, pad: "valid" },
  { kind: "depthwise", x: [2, 7, 7, 5], k: [3, 3], outC: 1, stride: 1, pad: "same" },
  { kind: "depthwise", x: [2, 8, 8, 4], k: [3, 3], outC: 1, stride: 2, pad: "same" },
  { kind: "depthwise", x: [2, 9, 9, 3], k: [3, 3], outC: 1, stride: 2, pad: "same" },
  { kind: "depthwise", x: [1, 9, 8, 3], k: [3, 3], outC: 1, stride: 2, pad: "valid" },
  { kind: "depthwise", x: [2, 7, 6, 3], k: [3, 3], outC: 2, stride: 1, pad: "valid" },
  { kind: "depthwise", x: [1, 8, 7, 2], k: [2, 3], outC: 3, stride: 2, pad: "same" },
];

function randomArray(rng: Rng, n: number): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = rng.uniform(-1, 1);
  return a;
}

/** Gradients of sum(conv(x, W) * r) w.r.t. x and W on the active backend. */
function gradients(c: Case, xData: Float32Array, wData: Float32Array, rData: Float32Array) {
  const inC = c.x[3];
  const wShape: [number, number, number, number] = [...c.k, inC, c.outC];
  return tf.tidy(() => {
    const x = tf.tensor4d(xData, c.x);
    const w = tf.tensor4d(wData, wShape);
    const conv = (a: tf.Tensor4D, b: tf.Tensor4D) =>
      c.kind === "conv"
        ? tf.conv2d(a, b, c.stride, c.pad)
        : tf.depthwiseConv2d(a, b, c.stride, c.pad);
    const yShape = conv(x, w).shape;
    const r = tf.tensor(rData.subarray(0, yShape.reduce((p, q) => p * q, 1)), yShape);
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(tf.mul(conv(a as tf.Tensor4D, b as tf.Tensor4D), r))
    )([x, w]);
    return { dx: Float32Array.from(dx.dataSync()), dw: Float32Array.from(dw.dataSync()) };
  });
}

function relError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  assert.equal(actual.length, expected.length);
  let diff = 0;
  let scale = 1e-12;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return diff / scale;
}

Deno.test({
  name: "wasm convolution gradients match the cpu backend (stride 1/2, same/valid, multipliers)",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const rng = new Rng(7);
    const data = CASES.map((c) => ({
      x: randomArray(rng, c.x.reduce((p, q) => p * q, 1)),
      w: randomArray(rng, c.k[0] * c.k[1] * c.x[3] * c.outC),
      r: randomArray(rng, c.x[0] * c.x[1] * c.x[2] * c.x[3] * c.outC * 2),
    }));
    await initBackend({ backend: "cpu", quiet: true });
    const expected = CASES.map((c, i) => gradients(c, data[i].x, data[i].w, data[i].r));
    await initBackend({ backend: "wasm", quiet: true });
    assert.equal(tf.getBackend(), "wasm");
    assert.ok(
      tf.getKernel("DepthwiseConv2dNativeBackpropInput", "wasm"),
      "composed kernels registered",
    );
    const before = tf.memory().numTensors;
    CASES.forEach((c, i) => {
      const got = gradients(c, data[i].x, data[i].w, data[i].r);
      const label = JSON.stringify(c);
      assert.ok(
        relError(got.dw, expected[i].dw) < 1e-4,
        `filter gradient ${label}: ${relError(got.dw, expected[i].dw)}`,
      );
      assert.ok(
        relError(got.dx, expected[i].dx) < 1e-4,
        `input gradient ${label}: ${relError(got.dx, expected[i].dx)}`,
      );
    });
    assert.equal(tf.memory().numTensors, before);
  },
});

Deno.test({
  name: "flipTaps flips both spatial axes as tf.reverse does; a 1x1 filter is returned as is",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    await initBackend({ backend: "wasm", quiet: true });
    const w = tf.tensor4d(Array.from({ length: 3 * 2 * 2 * 3 }, (_, i) => i), [3, 2, 2, 3]);
    const before = tf.memory().numTensors;
    const flipped = flipTaps(w);
    // Tap (0, 0) holds 0..5 and tap (2, 1), the last, 30..35: they trade places.
    assert.deepEqual(Array.from(flipped.dataSync()).slice(0, 6), [30, 31, 32, 33, 34, 35]);
    assert.deepEqual(flipped.arraySync(), tf.tidy(() => tf.reverse(w, [0, 1]).arraySync()));
    flipped.dispose();
    assert.equal(tf.memory().numTensors, before);
    const one = tf.ones([1, 1, 4, 2]) as tf.Tensor4D;
    assert.equal(flipTaps(one), one);
    tf.dispose([w, one]);
  },
});

Deno.test({
  name: "lean FusedBatchNorm gradient matches finite math on the wasm backend",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    await initBackend({ backend: "wasm", quiet: true });
    const rng = new Rng(3);
    const shape: [number, number, number, number] = [2, 3, 3, 4];
    const x = tf.tensor4d(randomArray(rng, 72), shape);
    const mean = tf.tensor1d(randomArray(rng, 4));
    const variance = tf.tensor1d(randomArray(rng, 4).map((v) => v + 1.5));
    const offset = tf.tensor1d(randomArray(rng, 4));
    const scale = tf.tensor1d(randomArray(rng, 4));
    const r = tf.tensor4d(randomArray(rng, 72), shape);
    const eps = 1e-3;
    const before = tf.memory().numTensors;
    const [dx, dScale, dOffset] = tf.grads((a: tf.Tensor, s: tf.Tensor, o: tf.Tensor) =>
      tf.sum(
        tf.mul(
          tf.batchNorm(a as tf.Tensor4D, mean, variance, o as tf.Tensor1D, s as tf.Tensor1D, eps),
          r,
        ),
      )
    )([x, scale, offset]);
    // Reference: y = (x - m) * s / sqrt(v + eps) + o, so dy/dx = r * s / sqrt(v + eps), etc.
    const ref = tf.tidy(() => {
      const rstd = tf.rsqrt(tf.add(variance, eps));
      return [
        tf.mul(r, tf.mul(scale, rstd)),
        tf.sum(tf.mul(r, tf.mul(tf.sub(x, mean), rstd)), [0, 1, 2]),
        tf.sum(r, [0, 1, 2]),
      ];
    });
    for (const [got, want] of [[dx, ref[0]], [dScale, ref[1]], [dOffset, ref[2]]]) {
      assert.deepEqual(got.shape, want.shape);
      assert.ok(relError(got.dataSync(), want.dataSync()) < 1e-5);
    }
    tf.dispose([dx, dScale, dOffset, ...ref]);
    assert.equal(tf.memory().numTensors, before);
    tf.dispose([x, mean, variance, offset, scale, r]);
  },
});

Deno.test({
  name: "transposedProduct: a^T b, the same when summed over row chunks",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    await initBackend({ backend: "wasm", quiet: true });
    const rng = new Rng(11);
    const a = tf.tensor2d(randomArray(rng, 37 * 3), [37, 3]);
    const b = tf.tensor2d(randomArray(rng, 37 * 5), [37, 5]);
    const [av, bv] = [a.arraySync(), b.arraySync()];
    const expected = Array.from(
      { length: 3 },
      (_, i) =>
        Array.from({ length: 5 }, (_, j) => av.reduce((s, row, r) => s + row[i] * bv[r][j], 0)),
    );
    const before = tf.memory().numTensors;
    // A limit of 40 floats over 5 columns gives chunks of 8 rows (5 chunks, the last of 5 rows).
    for (const limit of [Infinity, 40]) {
      const ab = transposedProduct(a, b, limit);
      const ba = transposedProduct(b, a, limit);
      assert.ok(relError(ab.dataSync(), expected.flat()) < 1e-5, `a^T b, limit ${limit}`);
      const baT = tf.transpose(ba);
      assert.ok(relError(baT.dataSync(), expected.flat()) < 1e-5, `b^T a, limit ${limit}`);
      tf.dispose([ab, ba, baT]);
    }
    assert.equal(tf.memory().numTensors, before);
    tf.dispose([a, b]);
  },
});
