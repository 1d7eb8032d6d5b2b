import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { formatProfile, profileKernels } from "../../lib/bench/kernel_profile.ts";

await tf.setBackend("cpu");

Deno.test("profileKernels counts each kernel's calls per step and restores the kernels", async () => {
  const a = tf.tensor1d([1, 2, 3]);
  const before = tf.getKernel("Multiply", "cpu")!.kernelFunc;
  let runs = 0;
  const p = await profileKernels(() => {
    runs++;
    tf.tidy(() => a.mul(a).add(a).mul(2));
  }, { steps: 3, warmup: 1 });
  assert.equal(runs, 4);
  assert.equal(p.steps, 3);
  assert.equal(p.wallMs.length, 3);
  const by = new Map(p.kernels.map((k) => [k.name, k]));
  assert.equal(by.get("Multiply")?.calls, 6);
  assert.equal(by.get("Add")?.calls, 3);
  assert.ok(p.kernels.every((k, i) => i === 0 || p.kernels[i - 1].ms >= k.ms), "sorted by ms");
  assert.equal(tf.getKernel("Multiply", "cpu")!.kernelFunc, before, "kernel restored");
  const table = formatProfile(p);
  assert.match(table, /^step wall ms: /);
  assert.match(table, /Multiply\s+2\.0\s/);
  a.dispose();
});
