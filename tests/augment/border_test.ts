import assert from "node:assert/strict";
import { blankBorder, borderMasked } from "../../lib/augment/mod.ts";
import type { ImageCache } from "../../lib/data/mod.ts";
import { CxrError } from "../../lib/errors.ts";

Deno.test("blankBorder: 2-pixel band of a 10x10 image at 0.15; input untouched", () => {
  const px = new Uint8Array(100).fill(50);
  const out = blankBorder(px, 10, 0.15);
  for (let r = 0; r < 10; r++) {
    for (let c = 0; c < 10; c++) {
      const inner = r >= 2 && r < 8 && c >= 2 && c < 8;
      assert.equal(out[r * 10 + c], inner ? 50 : 0, `(${r}, ${c})`);
    }
  }
  assert.ok(px.every((v) => v === 50));
  assert.throws(() => blankBorder(px, 10, 0.5), CxrError);
});

Deno.test("borderMasked: the cache seen with the border blanked; fraction 0 is the cache itself", () => {
  const px = new Uint8Array(16).fill(9);
  const cache: ImageCache = {
    size: 4,
    count: 1,
    failed: new Map(),
    has: (s) => s === "a",
    pixels: () => px,
  };
  assert.equal(borderMasked(cache, 0), cache);
  const masked = borderMasked(cache, 0.25); // 1-pixel band of 4
  assert.deepEqual([...masked.pixels("a")], [0, 0, 0, 0, 0, 9, 9, 0, 0, 9, 9, 0, 0, 0, 0, 0]);
  assert.equal(masked.has("a"), true);
  assert.equal(masked.has("b"), false);
  assert.equal(masked.size, 4);
});
