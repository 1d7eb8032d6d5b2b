import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { CxrError } from "../lib/errors.ts";
import { initBackend, parseBackendName } from "../lib/backend.ts";

Deno.test("parseBackendName accepts the four names and rejects others with a CxrError", () => {
  assert.equal(parseBackendName(undefined), undefined);
  assert.equal(parseBackendName(""), undefined);
  assert.equal(parseBackendName("wasm"), "wasm");
  assert.equal(parseBackendName("tensorflow"), "tensorflow");
  assert.throws(
    () => parseBackendName("webgl"),
    (e) => e instanceof CxrError && /CXR_BACKEND/.test(e.message),
  );
});

Deno.test({
  name: "initBackend honours CXR_BACKEND, switches on request, and says why a backend is missing",
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const saved = Deno.env.get("CXR_BACKEND");
    try {
      Deno.env.set("CXR_BACKEND", "cpu");
      const cpu = await initBackend({ quiet: true });
      assert.deepEqual(cpu, { name: "cpu", device: "pure JS" });
      assert.equal(tf.getBackend(), "cpu");

      const wasm = await initBackend({ backend: "wasm", quiet: true });
      assert.equal(wasm.name, "wasm");
      assert.match(wasm.device, /^(no )?SIMD, \d+ threads?$/);
      assert.equal(tf.getBackend(), "wasm");
      // The composed gradient kernels make wasm trainable.
      assert.ok(tf.getKernel("Conv2DBackpropFilter", "wasm"));
      const y = tf.tidy(() =>
        tf.grad((w: tf.Tensor) =>
          tf.conv2d(tf.ones([1, 3, 3, 2]) as tf.Tensor4D, w as tf.Tensor4D, 1, "valid").sum()
        )(tf.ones([1, 1, 2, 1]))
      );
      assert.deepEqual(Array.from(y.dataSync()), [9, 9]);
      y.dispose();

      // tfjs-node is never installed in CI: asking for it fails fast with the install hint.
      await assert.rejects(
        () => initBackend({ backend: "tensorflow", quiet: true }),
        (e) => e instanceof CxrError && /setup:gpu/.test(e.message),
      );
      assert.equal(tf.getBackend(), "wasm");
    } finally {
      if (saved == null) Deno.env.delete("CXR_BACKEND");
      else Deno.env.set("CXR_BACKEND", saved);
    }
  },
});
