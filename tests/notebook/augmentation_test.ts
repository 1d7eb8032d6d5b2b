import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import sharp from "sharp";
import { augmentationPreview } from "../../lib/notebook/augmentation.ts";

Deno.test("augmentationPreview: six rows; original unchanged, flip mirrors, ranges respected", async () => {
  await tf.setBackend("cpu");
  const size = 8;
  // Left half dark, right half bright.
  const img = Uint8Array.from({ length: size * size }, (_, i) => (i % size < size / 2 ? 10 : 250));
  const before = tf.memory().numTensors;
  const { rows, table } = await augmentationPreview([img, img], size, {
    options: { rotation: 5, zoom: 0.2, contrast: 0.3, flip: true },
    seed: 3,
  });
  assert.equal(tf.memory().numTensors, before);
  assert.deepEqual(rows.map((r) => r.label), [
    "original",
    "flip",
    "rotation",
    "zoom",
    "contrast",
    "all four",
  ]);
  assert.ok(rows.every((r) => r.tiles.length === 2));
  const pixels = async (png: Uint8Array) => [...(await sharp(png).greyscale().raw().toBuffer())];
  assert.deepEqual(await pixels(rows[0].tiles[0].png), [...img]);
  const flipped = await pixels(rows[1].tiles[1].png); // second image: checks batch > 1
  assert.equal(flipped[0], 250);
  assert.equal(flipped[size - 1], 10);
  assert.equal(table.length, 12);
  for (const t of table) {
    assert.ok(Math.abs(t["rotation (°)"] as number) <= 5);
    assert.ok(Math.abs((t.zoom as number) - 1) <= 0.2);
    assert.ok(Math.abs((t.contrast as number) - 1) <= 0.3);
  }
  // a transform's row changes only its own parameter
  const rot = table.filter((t) => t.transform === "rotation");
  assert.ok(rot.every((t) => t.zoom === 1 && t.contrast === 1 && t.flip === "no"));
});
