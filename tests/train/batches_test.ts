import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import {
  balancedClassWeights,
  batchIndices,
  classIndex,
  makeBatch,
  makeTargets,
} from "../../lib/train/batches.ts";
import { Rng } from "../../lib/util/rng.ts";
import { tinyImages } from "./_fixtures.ts";

await tf.setBackend("cpu");

Deno.test("batchIndices covers every index once, seeded shuffle repeats", () => {
  const a = batchIndices(10, 4, new Rng(5));
  assert.deepEqual(a.map((b) => b.length), [4, 4, 2]);
  assert.deepEqual(a.flat().sort((x, y) => x - y), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(batchIndices(10, 4, new Rng(5)), a);
  assert.notDeepEqual(a.flat(), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(batchIndices(5, 2), [[0, 1], [2, 3], [4]]);
});

Deno.test("balanced class weights are n / (2 n_c)", () => {
  const ex = [
    { label: "NORMAL" as const, sha256: "a" },
    { label: "PNEUMONIA" as const, sha256: "b" },
    { label: "PNEUMONIA" as const, sha256: "c" },
    { label: "PNEUMONIA" as const, sha256: "d" },
  ];
  assert.deepEqual(balancedClassWeights(ex), [2, 4 / 6]);
  assert.equal(classIndex("PNEUMONIA"), 1);
  assert.throws(() => classIndex("COVID"), /unknown label/);
});

Deno.test("makeBatch converts uint8 gray to [-1,1] RGB with one-hot labels and weights", () => {
  const { images, examples } = tinyImages(4);
  const before = tf.memory().numTensors;
  const b = makeBatch(images, examples, [1, 2], [2, 0.5]);
  assert.deepEqual(b.x.shape, [2, 8, 8, 3]);
  const x = b.x.dataSync();
  const p = images.pixels(examples[1].sha256);
  assert.ok(Math.abs(x[0] - (p[0] / 127.5 - 1)) < 1e-6 && x[0] === x[1] && x[1] === x[2]);
  assert.deepEqual(Array.from(b.y.dataSync()), [0, 1, 1, 0]); // PNEUMONIA, NORMAL
  assert.deepEqual(Array.from(b.weights!.dataSync()), [0.5, 2]);
  tf.dispose([b.x, b.y, b.weights!]);
  assert.equal(tf.memory().numTensors, before);
});

Deno.test("makeTargets with label smoothing 0.1: 0.95 for the class, 0.05 for the other", () => {
  const { examples } = tinyImages(4);
  const before = tf.memory().numTensors;
  const t = makeTargets(examples, [1, 2], undefined, 0.1);
  const y = Array.from(t.y.dataSync());
  [0.05, 0.95, 0.95, 0.05].forEach((v, i) => assert.ok(Math.abs(y[i] - v) < 1e-6, `${i}: ${y[i]}`));
  assert.equal(t.weights, undefined);
  t.y.dispose();
  assert.equal(tf.memory().numTensors, before);
});
