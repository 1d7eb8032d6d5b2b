// Run by tests/backend_test.ts in its own process: a tensor over the binding limit on webgpu.
import * as tf from "@tensorflow/tfjs";
import { assertNoGpuErrors, initBackend, maxGpuBindingBytes } from "../../lib/backend.ts";

await initBackend({ backend: "webgpu", quiet: true });
const limit = maxGpuBindingBytes()!;
const big = tf.ones([Math.ceil(limit / 4 / 1024) + 1024, 1024]);
await tf.mul(big, 2).data();
await new Promise((r) => setTimeout(r, 200));
try {
  assertNoGpuErrors();
  console.log("undetected");
} catch (e) {
  console.log(`detected: ${(e as Error).message}`);
}
