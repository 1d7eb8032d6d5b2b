// AdamW's fused webgpu update against its op-by-op update. Needs a WebGPU adapter (Mesa's
// lavapipe counts); skipped where there is none, e.g. in CI without a Vulkan driver.
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { hasWebGpuAdapter, initBackend } from "../../lib/backend.ts";
import { adamW } from "../../lib/optim/mod.ts";

const adapter = await hasWebGpuAdapter();
const skipped = adapter ? "" : " (skipped: no WebGPU adapter)";

/** Three steps of AdamW on fresh variables; their final values, by variable. */
async function train(fuse: boolean, tag: string): Promise<Float32Array[]> {
  const shapes = [[3], [70], [5, 5, 4, 9]];
  const vars = tf.tidy(() =>
    shapes.map((shape, i) =>
      tf.variable(
        tf.randomUniform(shape, -1, 1, "float32", 7 + i),
        true,
        `${tag}/${["dense/bias", "bn/gamma", "conv/kernel"][i]}`,
      )
    )
  );
  const opt = adamW({ learningRate: 0.05, weightDecay: 0.1, fuseOnWebGpu: fuse });
  const loss = () =>
    tf.addN(vars.map((v, i) => v.sub(0.3 * i).square().mul(i + 1).sum())) as tf.Scalar;
  for (let t = 0; t < 3; t++) opt.minimize(loss, false, vars);
  const out = await Promise.all(vars.map(async (v) => await v.data() as Float32Array));
  opt.dispose();
  tf.dispose(vars);
  return out;
}

Deno.test({
  name: `webgpu: AdamW's fused update matches its op-by-op update, no leaks${skipped}`,
  ignore: !adapter,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    await initBackend({ backend: "webgpu", quiet: true });
    const before = tf.memory().numTensors;
    const ops = await train(false, "ops");
    const fused = await train(true, "fused");
    assert.equal(tf.memory().numTensors, before);
    for (const [i, expected] of ops.entries()) {
      assert.equal(fused[i].length, expected.length);
      expected.forEach((e, k) =>
        assert.ok(
          Math.abs(fused[i][k] - e) <= 1e-6 * Math.max(1, Math.abs(e)),
          `${i}[${k}]: ${fused[i][k]} vs ${e}`,
        )
      );
    }
    // The update moved the values (a step of ~lr per step from the start).
    const initial = tf.randomUniform([70], -1, 1, "float32", 8);
    const start = await initial.data();
    initial.dispose();
    assert.ok(fused[1].some((v, k) => Math.abs(v - start[k]) > 0.05));
  },
});
