import assert from "node:assert/strict";
import { blankBorder, bodyMask, boxMask, LUNG_BOX, massInside } from "../../lib/shift/mod.ts";
import { CxrError } from "../../lib/errors.ts";

const count = (m: Uint8Array) => m.reduce((s, v) => s + v, 0);

Deno.test("boxMask: pixels whose centre is in the box", () => {
  // Columns with (c + 0.5) / 10 in [0.2, 0.6): 2..5; rows with (r + 0.5) / 10 < 0.5: 0..4.
  const m = boxMask(10, { x0: 0.2, x1: 0.6, y0: 0, y1: 0.5 });
  assert.equal(count(m), 20);
  assert.equal(m[0 * 10 + 2], 1);
  assert.equal(m[4 * 10 + 5], 1);
  assert.equal(m[5 * 10 + 2], 0);
  assert.equal(m[0 * 10 + 6], 0);
  // The lung box at 20 px: columns 3..16 (14) and rows 2..14 (13).
  assert.equal(count(boxMask(20, LUNG_BOX)), 14 * 13);
});

Deno.test("massInside: share of a known heatmap inside a mask; all-zero heat is NaN", () => {
  const mask = new Uint8Array(9);
  mask.set([1, 1, 1, 1], 0);
  const heat = new Float32Array(9);
  heat.set([1, 1, 1, 1], 0); // 4 inside
  heat[8] = 3; // 3 outside
  assert.equal(massInside(heat, mask), 4 / 7);
  assert.ok(Number.isNaN(massInside(new Float32Array(9), mask)));
  assert.throws(() => massInside(new Float32Array(4), mask), CxrError);
});

Deno.test("bodyMask: the bright level of a two-level image", () => {
  const px = new Uint8Array([10, 10, 10, 200, 200, 10]);
  assert.deepEqual([...bodyMask(px)], [0, 0, 0, 1, 1, 0]);
  assert.equal(count(bodyMask(new Uint8Array(4).fill(9))), 0);
});

Deno.test("blankBorder: the outer band set to the fill, the centre kept, input unchanged", () => {
  const px = new Uint8Array(100).fill(50);
  // 15% of 10 px rounds to a 2-pixel band: the inner 6x6 stays.
  const out = blankBorder(px, 10, 0.15);
  assert.equal(out.filter((v) => v === 50).length, 36);
  assert.equal(out.filter((v) => v === 0).length, 64);
  assert.equal(out[2 * 10 + 2], 50);
  assert.equal(out[1 * 10 + 5], 0);
  assert.ok(px.every((v) => v === 50), "input untouched");
  const same = blankBorder(px, 10, 0);
  assert.notEqual(same, px);
  assert.deepEqual(same, px);
  assert.equal(blankBorder(px, 10, 0.1, 255).filter((v) => v === 255).length, 36);
  assert.throws(() => blankBorder(px, 9, 0.1), CxrError);
});
