// wasm's Identity shares data by reference: a clone outlives its source, and both free it once.
import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../lib/backend.ts";

await initBackend({ backend: "wasm", quiet: true });

Deno.test("wasm Identity: a clone shares its source's data, which is freed with the last one", () => {
  const backend = tf.engine().backend;
  const ids = backend.numDataIds();
  const x = tf.tensor2d([[1, -2.5], [3, 4]]);
  const y = tf.clone(x);
  assert.equal(backend.numDataIds(), ids + 1, "the clone copied the data");
  x.dispose();
  assert.deepEqual(Array.from(y.dataSync()), [1, -2.5, 3, 4]);
  const doubled = tf.mul(y, 2);
  assert.deepEqual(Array.from(doubled.dataSync()), [2, -5, 6, 8]);
  tf.dispose([y, doubled]);
  assert.equal(backend.numDataIds(), ids, "data leaked");
  // Gradients save their inputs through Identity; they still compute the same values.
  const a = tf.tensor1d([1, 2, 3]);
  const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(t, t)))(a);
  assert.deepEqual(Array.from(g.dataSync()), [2, 4, 6]);
  tf.dispose([a, g]);
  assert.equal(backend.numDataIds(), ids, "data leaked");
});
