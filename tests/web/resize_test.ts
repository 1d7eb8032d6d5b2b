import assert from "node:assert/strict";
import { realDataRoot } from "../_real_data.ts";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";
import { decodeGray } from "../../lib/data/mod.ts";
import { fillResize, jpegShrinkOnLoad, resizeFill } from "../../lib/web/resize.ts";

/** Full-size grey pixels of a file (what a browser's decoder gives, ICC ignored). */
async function decodeFull(bytes: Uint8Array) {
  const { data, info } = await sharp(bytes, { ignoreIcc: true }).greyscale().raw()
    .toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, data: new Uint8Array(data) };
}

function countDiffs(a: Uint8Array, b: Uint8Array): number {
  assert.equal(a.length, b.length);
  return a.reduce((n, v, i) => n + (v === b[i] ? 0 : 1), 0);
}

Deno.test("fillResize equals the training decode byte for byte on real X-rays", async () => {
  const root = realDataRoot();
  // 224x224 test images, and train images of other shapes (wider, one under 224 px tall).
  const picks = [
    ...(await readdir(join(root, "test", "NORMAL"))).sort().slice(0, 3).map((f) =>
      join(root, "test", "NORMAL", f)
    ),
    ...["person1301_virus_2241.jpeg", "person465_virus_957.jpeg", "person1763_bacteria_4606.jpeg"]
      .map((f) => join(root, "train", "PNEUMONIA", f)),
  ];
  for (const path of picks) {
    const bytes = await readFile(path);
    const full = await decodeFull(bytes);
    for (const size of [96, 224, 300]) {
      if (jpegShrinkOnLoad(full.width / size, full.height / size) > 1) continue;
      const expected = await decodeGray(bytes, size);
      const got = fillResize(full, size, { jpeg: true });
      assert.deepEqual([got.width, got.height], [size, size]);
      assert.equal(countDiffs(got.data, expected), 0, `${path} at ${size}px`);
    }
  }
});

Deno.test("resizeFill matches sharp on synthetic shapes: box-shrink, reduce, enlarge, mixed", async () => {
  const width = 400, height = 150;
  const data = Uint8Array.from({ length: width * height }, (_, i) => {
    const [r, c] = [Math.floor(i / width), i % width];
    return (r * 7 + c * 3 + ((r * c) % 17) * 9) & 255;
  });
  const raw = { width, height, channels: 1 as const };
  for (const [w, h] of [[96, 96], [50, 30], [400, 224], [97, 300], [123, 150]]) {
    const expected = await sharp(data, { raw }).greyscale().resize(w, h, {
      fit: "fill",
      kernel: "lanczos3",
    })
      .raw().toBuffer();
    const got = resizeFill({ width, height, data }, w, h);
    assert.equal(countDiffs(got.data, new Uint8Array(expected)), 0, `${w}x${h}`);
  }
});

Deno.test("jpegShrinkOnLoad follows sharp's choice", () => {
  assert.equal(jpegShrinkOnLoad(2.33, 2.33), 1); // 224 -> 96: int(2.33) = 2 halves 2 to 1
  assert.equal(jpegShrinkOnLoad(3.5, 4), 2);
  assert.equal(jpegShrinkOnLoad(6.7, 5.4), 4);
  assert.equal(jpegShrinkOnLoad(8, 9), 4);
  assert.equal(jpegShrinkOnLoad(12, 10), 8);
});
