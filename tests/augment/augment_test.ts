import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { augment, augmentBatch, IDENTITY, sampleAugmentParams } from "../../lib/augment/mod.ts";
import { Rng } from "../../lib/util/rng.ts";

await tf.setBackend("cpu");

/** A 9x9 one-channel image, -1 everywhere except +1 at (row, col). */
function dot(row: number, col: number): tf.Tensor4D {
  const data = new Float32Array(81).fill(-1);
  data[row * 9 + col] = 1;
  return tf.tensor4d(data, [1, 9, 9, 1]);
}

function argmax2d(x: tf.Tensor4D): [number, number] {
  const i = x.reshape([-1]).argMax().dataSync()[0];
  return [Math.floor(i / x.shape[2]), i % x.shape[2]];
}

Deno.test("identity parameters give the identical image", () => {
  const x = tf.randomUniform([2, 8, 8, 3], -1, 1) as tf.Tensor4D;
  const y = augmentBatch(x, [IDENTITY, IDENTITY]);
  assert.deepEqual(y.dataSync(), x.dataSync());
  tf.dispose([x, y]);
});

Deno.test("flip mirrors left-right exactly, twice gives the original", () => {
  const x = tf.randomUniform([1, 6, 7, 1], -1, 1) as tf.Tensor4D;
  const flip = { ...IDENTITY, flip: true };
  const once = augmentBatch(x, [flip]);
  const expected = tf.image.flipLeftRight(x);
  assert.deepEqual(once.dataSync(), expected.dataSync());
  const twice = augmentBatch(once, [flip]);
  assert.deepEqual(twice.dataSync(), x.dataSync());
  tf.dispose([x, once, twice, expected]);
});

Deno.test("every image of a batch gets its own transform", () => {
  const x = tf.concat([dot(4, 7), dot(4, 7), dot(4, 7)]);
  const y = augmentBatch(x, [{ ...IDENTITY, flip: true }, IDENTITY, { ...IDENTITY, rotation: 90 }]);
  const [a, b, c] = tf.split(y, 3) as tf.Tensor4D[];
  assert.deepEqual(argmax2d(a), [4, 1]);
  assert.deepEqual(argmax2d(b), [4, 7]);
  assert.deepEqual(argmax2d(c), [1, 4]);
  tf.dispose([x, y, a, b, c]);
});

Deno.test("a +90 degree rotation turns a pixel right of centre to above it (counter-clockwise)", () => {
  const x = dot(4, 7);
  const y = augmentBatch(x, [{ ...IDENTITY, rotation: 90 }]);
  assert.deepEqual(argmax2d(y), [1, 4]);
  const z = augmentBatch(x, [{ ...IDENTITY, rotation: -90 }]);
  assert.deepEqual(argmax2d(z), [7, 4]);
  tf.dispose([x, y, z]);
});

Deno.test("zoom 0.5 (zoom in 2x) doubles a pixel's distance from the centre", () => {
  const x = dot(4, 5);
  const y = augmentBatch(x, [{ ...IDENTITY, zoom: 0.5 }]);
  const v = y.reshape([9, 9]).arraySync() as number[][];
  assert.ok(Math.abs(v[4][6] - 1) < 1e-6, `peak ${v[4][6]}`);
  assert.ok(Math.abs(v[4][7] - 0) < 1e-6, `half-way ${v[4][7]}`); // bilinear: halfway between 1 and -1
  tf.dispose([x, y]);
});

Deno.test("contrast scales around each image's mean and clips to the range", () => {
  const x = tf.tensor4d([0.1, 0.3, 0.5, 0.7, -0.5, -0.5, 0.5, 0.5], [2, 2, 2, 1]);
  const y = augmentBatch(x, [{ ...IDENTITY, contrast: 2 }, { ...IDENTITY, contrast: 3 }]);
  const got = Array.from(y.dataSync());
  const want = [-0.2, 0.2, 0.6, 1.0, -1, -1, 1, 1]; // mean 0.4: 0.4+2*(x-0.4); mean 0: 3x clipped
  got.forEach((g, i) => assert.ok(Math.abs(g - want[i]) < 1e-6, `${i}: ${g} vs ${want[i]}`));
  tf.dispose([x, y]);
});

Deno.test("same seed gives the same output; parameters stay in range; no leaks", () => {
  const x = tf.randomUniform([4, 16, 16, 3], -1, 1, "float32", 7) as tf.Tensor4D;
  const before = tf.memory().numTensors;
  const a = augment(x, new Rng(11));
  const b = augment(x, new Rng(11));
  const c = augment(x, new Rng(12));
  assert.deepEqual(a.dataSync(), b.dataSync());
  assert.notDeepEqual(a.dataSync(), c.dataSync());
  tf.dispose([a, b, c]);
  assert.equal(tf.memory().numTensors, before);
  const params = sampleAugmentParams(new Rng(3), 500, { rotation: 10, zoom: 0.1, contrast: 0.2 });
  assert.ok(params.every((p) => Math.abs(p.rotation) <= 10 && Math.abs(p.zoom - 1) <= 0.1));
  assert.ok(params.every((p) => Math.abs(p.contrast - 1) <= 0.2));
  const flips = params.filter((p) => p.flip).length;
  assert.ok(flips > 200 && flips < 300, `${flips} flips of 500`);
  x.dispose();
});

Deno.test("translation and brightness: extra draws only when enabled; shift and offset as drawn", async () => {
  const plain = sampleAugmentParams(new Rng(3), 4);
  const off = sampleAugmentParams(new Rng(3), 4, { translation: 0, brightness: 0 });
  assert.deepEqual(off, plain, "disabled: the same stream as before the fields existed");
  const on = sampleAugmentParams(new Rng(3), 2, { translation: 0.1, brightness: 0.2 });
  for (const p of on) {
    assert.ok(Math.abs(p.dx!) <= 0.1 && Math.abs(p.dy!) <= 0.1 && Math.abs(p.brightness!) <= 0.2);
  }
  // A 4x4 image with one bright pixel at (row 1, col 1), shifted right by 1/4 of the width.
  const img = tf.tensor4d(Array.from({ length: 16 }, (_, i) => (i === 5 ? 1 : -1)), [1, 4, 4, 1]);
  const moved = augmentBatch(img, [{ ...IDENTITY, dx: 0.25 }]);
  const data = await moved.data();
  assert.equal(data[6], 1, "the bright pixel is now at column 2");
  const brighter = augmentBatch(img, [{ ...IDENTITY, brightness: 0.25 }]);
  // +0.25 of the range [-1, 1] adds 0.5; the bright pixel clips at 1.
  assert.deepEqual([...(await brighter.data())].slice(4, 6), [-0.5, 1]);
  tf.dispose([img, moved, brighter]);
});
