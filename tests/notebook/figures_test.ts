import assert from "node:assert/strict";
import sharp from "sharp";
import { grayPng, previewPng } from "../../lib/notebook/figures.ts";

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
