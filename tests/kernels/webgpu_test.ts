// The kernels registerGradientKernels replaces on webgpu (Sum over leading axes, the 1x1 filter
// gradient). Needs a WebGPU adapter (Mesa's lavapipe counts); skipped where there is none, e.g.
// in CI without a Vulkan driver.
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { assertNoGpuErrors, hasWebGpuAdapter, initBackend } from "../../lib/backend.ts";
import { leadingAxesCount } from "../../lib/kernels/mod.ts";

const adapter = await hasWebGpuAdapter();
const skipped = adapter ? "" : " (skipped: no WebGPU adapter)";

Deno.test("leadingAxesCount: only a prefix of the axes that keeps at least one axis", () => {
  assert.equal(leadingAxesCount([2, 3, 3, 8], [0, 1, 2]), 3);
  assert.equal(leadingAxesCount([2, 3, 3, 8], [2, 0, 1]), 3);
  assert.equal(leadingAxesCount([4, 5], [0]), 1);
  assert.equal(leadingAxesCount([2, 3, 3, 8], [1, 2]), null);
  assert.equal(leadingAxesCount([2, 3, 3, 8], [0, 1, 2, 3]), null);
  assert.equal(leadingAxesCount([2, 3], []), null);
});

/** Column sums of `values` seen as [rows, cols], in float64. */
function columnSums(values: Float32Array, cols: number): number[] {
  const out = new Array(cols).fill(0);
  values.forEach((v, i) => out[i % cols] += v);
  return out;
}

Deno.test({
  name: `webgpu: Sum over leading axes matches float64 column sums, any size, no leaks${skipped}`,
  ignore: !adapter,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    await initBackend({ backend: "webgpu", quiet: true });
    const cases: [number[], number[], boolean][] = [
      [[2, 3, 3, 1280], [0, 1, 2], false], // one pass (18 rows)
      [[2, 48, 48, 16], [0, 1, 2], true], // 4608 rows: three passes
      [[3, 65, 7], [0], false], // 3 rows, rank 3
      [[130, 5], [0], true], // 130 rows: 64 + 64 + 2
      [[1, 1, 1, 4], [0, 1, 2], false],
    ];
    const before = tf.memory().numTensors;
    for (const [shape, axes, keepDims] of cases) {
      const x = tf.randomUniform(shape, -1, 1, "float32", shape.length);
      const sum = tf.sum(x, axes, keepDims);
      const k = axes.length;
      const cols = shape.slice(k).reduce((a, b) => a * b, 1);
      const expectedShape = keepDims
        ? [...shape.slice(0, k).map(() => 1), ...shape.slice(k)]
        : shape.slice(k);
      assert.deepEqual(sum.shape, expectedShape);
      const expected = columnSums(await x.data() as Float32Array, cols);
      const got = await sum.data();
      const rows = x.size / cols;
      expected.forEach((e, i) =>
        assert.ok(Math.abs(got[i] - e) < 1e-6 * rows + 1e-6, `${shape}[${i}]: ${got[i]} vs ${e}`)
      );
      tf.dispose([x, sum]);
    }
    assert.equal(tf.memory().numTensors, before);
    assertNoGpuErrors();
    // Other sums still go to tfjs' own kernel.
    const y = tf.tensor2d([[1, 2], [3, 4]]);
    const inner = tf.sum(y, 1);
    assert.deepEqual(Array.from(await inner.data()), [3, 7]);
    tf.dispose([y, inner]);
  },
});

type Shape4 = [number, number, number, number];
/** x shape, filter shape, stride, padding. */
type ConvCase = [Shape4, Shape4, number, "same" | "valid"];

/**
 * Computes `gradient` of every case on the cpu backend and then on webgpu, and asserts equal
 * shapes (`shapeOf`), agreement within 1e-4 (relative above 1), no leaked tensors and no GPU
 * errors.
 */
async function assertGradientsMatchCpu(
  cases: ConvCase[],
  gradient: (c: ConvCase, i: number) => tf.Tensor,
  shapeOf: (c: ConvCase) => Shape4,
): Promise<void> {
  const gradients = async (backend: "cpu" | "webgpu") => {
    await initBackend({ backend, quiet: true });
    const out: Float32Array[] = [];
    for (const [i, c] of cases.entries()) {
      const g = tf.tidy(() => gradient(c, i));
      assert.deepEqual(g.shape, shapeOf(c));
      out.push(await g.data() as Float32Array);
      g.dispose();
    }
    return out;
  };
  const expected = await gradients("cpu");
  const before = tf.memory().numTensors;
  const got = await gradients("webgpu");
  assert.equal(tf.memory().numTensors, before);
  assertNoGpuErrors();
  for (const [i, e] of expected.entries()) {
    e.forEach((v, k) =>
      assert.ok(Math.abs(got[i][k] - v) < 1e-4 * Math.max(1, Math.abs(v)), `${i}[${k}]`)
    );
  }
}

Deno.test({
  name:
    `webgpu: Conv2DBackpropFilter of 1x1 and 3x3 convolutions matches the cpu backend${skipped}`,
  ignore: !adapter,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () =>
    assertGradientsMatchCpu(
      [
        [[2, 6, 6, 24], [1, 1, 24, 144], 1, "valid"], // one matrix product
        [[2, 5, 5, 16], [1, 1, 16, 8], 1, "same"],
        [[2, 7, 7, 3], [3, 3, 3, 8], 2, "same"], // tfjs' own kernel
        [[1, 6, 6, 4], [1, 1, 4, 4], 2, "valid"],
      ],
      ([xShape, wShape, stride, pad], i) => {
        const x = tf.randomUniform(xShape, -1, 1, "float32", 10 + i) as tf.Tensor4D;
        const w = tf.randomUniform(wShape, -1, 1, "float32", 20 + i) as tf.Tensor4D;
        const y = tf.randomUniform(tf.conv2d(x, w, stride, pad).shape, -1, 1, "float32", 30 + i);
        return tf.grad((f: tf.Tensor) => tf.conv2d(x, f as tf.Tensor4D, stride, pad).mul(y).sum())(
          w,
        );
      },
      ([, wShape]) => wShape,
    ),
});

Deno.test({
  name: `webgpu: the depthwise input gradient matches the cpu backend${skipped}`,
  ignore: !adapter,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: () =>
    assertGradientsMatchCpu(
      [
        [[2, 6, 6, 8], [3, 3, 8, 1], 1, "same"], // as a depthwise convolution
        [[1, 8, 8, 4], [3, 3, 4, 2], 1, "valid"],
        [[2, 7, 7, 8], [3, 3, 8, 1], 2, "same"], // tfjs' own kernel
      ],
      ([xShape, wShape, stride, pad], i) => {
        const x = tf.randomUniform(xShape, -1, 1, "float32", 40 + i) as tf.Tensor4D;
        const w = tf.randomUniform(wShape, -1, 1, "float32", 50 + i) as tf.Tensor4D;
        const outShape = tf.depthwiseConv2d(x, w, stride, pad).shape;
        const y = tf.randomUniform(outShape, -1, 1, "float32", 60 + i);
        return tf.grad((v: tf.Tensor) =>
          tf.depthwiseConv2d(v as tf.Tensor4D, w, stride, pad).mul(y).sum()
        )(x);
      },
      ([xShape]) => xShape,
    ),
});
