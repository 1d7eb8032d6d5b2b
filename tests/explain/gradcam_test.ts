import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { defaultCamLayer, gradCam } from "../../lib/explain/mod.ts";
import { toModelInput } from "../../lib/models/mod.ts";
import { squareModel } from "./_square_model.ts";

await tf.setBackend("cpu");

const SIZE = 16;
/** Square of bright pixels: rows 2..5, columns 9..12. */
const inSquare = (i: number) => {
  const [r, c] = [Math.floor(i / SIZE), i % SIZE];
  return r >= 2 && r <= 5 && c >= 9 && c <= 12;
};
const image = Uint8Array.from({ length: SIZE * SIZE }, (_, i) => (inSquare(i) ? 255 : 0));

const argmax = (a: Float32Array) => a.reduce((best, v, i) => (v > a[best] ? i : best), 0);

Deno.test("gradCam: PNEUMONIA heat peaks on the bright square, NORMAL heat off it; no leaks", async () => {
  const model = squareModel(SIZE);
  assert.equal(defaultCamLayer(model), "last_conv");
  const x = toModelInput([image, image], SIZE, 2);
  const before = tf.memory().numTensors;
  const [pos, neg] = await gradCam(model, x, { layerName: "last_conv", classIndex: [1, 0] });
  assert.equal(tf.memory().numTensors, before);
  x.dispose();
  assert.equal(pos.length, SIZE * SIZE);
  assert.ok(inSquare(argmax(pos)), `peak at pixel ${argmax(pos)}`);
  assert.ok(Math.abs(Math.max(...pos) - 1) < 1e-6, "normalised to max 1");
  assert.ok(Math.min(...pos) >= 0);
  assert.equal(pos[15 * SIZE], 0, "far corner: no heat for PNEUMONIA");
  assert.ok(!inSquare(argmax(neg)), "NORMAL heat lies on the dark background");
  assert.equal(neg[3 * SIZE + 10], 0, "square centre: no heat for NORMAL");
  model.dispose();
});
