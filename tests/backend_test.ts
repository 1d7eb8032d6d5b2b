import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { CxrError } from "../lib/errors.ts";
import {
  assertNoGpuErrors,
  hasWebGpuAdapter,
  initBackend,
  maxGpuBindingBytes,
  parseBackendName,
  parseTfjsFlags,
} from "../lib/backend.ts";

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

Deno.test("parseTfjsFlags reads NAME=VALUE items as numbers, booleans or strings", () => {
  assert.deepEqual(parseTfjsFlags(undefined), {});
  assert.deepEqual(parseTfjsFlags(" "), {});
  assert.deepEqual(
    parseTfjsFlags("WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE=64, WEBGPU_CPU_FORWARD=false,X_MODE=fast,"),
    { WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE: 64, WEBGPU_CPU_FORWARD: false, X_MODE: "fast" },
  );
  for (const bad of ["WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE", "webgpu_x=1", "=1"]) {
    assert.throws(
      () => parseTfjsFlags(bad),
      (e) => e instanceof CxrError && e.message.includes("CXR_TFJS_FLAGS"),
      bad,
    );
  }
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

      // CXR_TFJS_FLAGS is applied once the backend is up.
      Deno.env.set("CXR_TFJS_FLAGS", "TOPK_K_CPU_HANDOFF_THRESHOLD=7");
      await initBackend({ backend: "cpu", quiet: true });
      assert.equal(tf.env().getNumber("TOPK_K_CPU_HANDOFF_THRESHOLD"), 7);
    } finally {
      Deno.env.delete("CXR_TFJS_FLAGS");
      tf.env().set("TOPK_K_CPU_HANDOFF_THRESHOLD", 128);
      if (saved == null) Deno.env.delete("CXR_BACKEND");
      else Deno.env.set("CXR_BACKEND", saved);
    }
  },
});

Deno.test("assertNoGpuErrors and maxGpuBindingBytes are no-ops off webgpu", () => {
  assertNoGpuErrors();
  if (tf.getBackend() !== "webgpu") assert.equal(maxGpuBindingBytes(), null);
});

// Needs a WebGPU adapter (lavapipe counts); skipped where there is none, e.g. in CI.
// hasWebGpuAdapter gives the Vulkan loader an XDG_RUNTIME_DIR first, so the probe prints nothing.
const adapter = await hasWebGpuAdapter();
Deno.test({
  name: "a webgpu dispatch over the storage-binding limit is detected, not silently garbage",
  ignore: !adapter,
  fn: async () => {
    const script = new URL("./backend_fixtures/webgpu_overflow.ts", import.meta.url).pathname;
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", script],
      stdout: "piped",
      stderr: "piped",
    })
      .output();
    const text = new TextDecoder().decode(out.stdout);
    assert.match(text, /detected: the GPU rejected \d+ operation\(s\).*binding/);
  },
});
