import assert from "node:assert/strict";
import sharp from "sharp";
import { grayPng, imageGrid, previewPng } from "../../lib/notebook/figures.ts";

Deno.test("grayPng round-trips the pixels", async () => {
  const gray = Uint8Array.from({ length: 12 }, (_, i) => i * 20);
  const png = await grayPng(gray, 4, 3);
  assert.equal((await sharp(png).metadata()).channels, 1);
  const { data, info } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
  assert.deepEqual([info.width, info.height, info.channels], [4, 3, 1]);
  assert.deepEqual([...data], [...gray]);
  await assert.rejects(grayPng(gray, 4, 4));
});

Deno.test("previewPng keeps the aspect ratio with white bars", async () => {
  const wide = await sharp({ create: { width: 80, height: 40, channels: 3, background: "black" } })
    .jpeg().toBuffer();
  const png = await previewPng(new Uint8Array(wide), 40);
  const { data, info } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
  assert.deepEqual([info.width, info.height], [40, 40]);
  assert.equal(data[0], 255); // top row: bar
  assert.ok(data[20 * 40 + 20] < 10); // centre: the image
});

Deno.test("imageGrid: size from rows, columns and options", async () => {
  const tile = await grayPng(new Uint8Array(16 * 16).fill(128), 16);
  const png = await imageGrid([
    { label: "a", tiles: [{ png: tile, caption: "x" }, { png: tile, caption: "y" }] },
    { label: "b", note: "n", tiles: [{ png: tile, caption: "z" }] },
  ], { tile: 32, title: "T", labelWidth: 100 });
  const meta = await sharp(png).metadata();
  // width: 100 + 2 * (32 + 8); height: title 34 + 2 rows * (32 + 20 + 8)
  assert.deepEqual([meta.width, meta.height], [180, 34 + 2 * 60]);
});
