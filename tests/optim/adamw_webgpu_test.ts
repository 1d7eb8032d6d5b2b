// AdamW's fused webgpu update against its op-by-op update. Needs a WebGPU adapter (Mesa's
// lavapipe counts); skipped where there is none, e.g. in CI without a Vulkan driver.
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { hasWebGpuAdapter, initBackend } from "../../lib/backend.ts";
import { secondStart, threeSteps } from "./_three_steps.ts";

const adapter = await hasWebGpuAdapter();
const skipped = adapter ? "" : " (skipped: no WebGPU adapter)";

Deno.test({
  name: `webgpu: AdamW's fused update matches its op-by-op update, no leaks${skipped}`,
  ignore: !adapter,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    await initBackend({ backend: "webgpu", quiet: true });
    const before = tf.memory().numTensors;
    const ops = await threeSteps(false, "ops");
    const fused = await threeSteps(true, "fused");
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
    const start = await secondStart();
    assert.ok(fused[1].some((v, k) => Math.abs(v - start[k]) > 0.05));
  },
});
