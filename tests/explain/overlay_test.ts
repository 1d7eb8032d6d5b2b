import assert from "node:assert/strict";
import sharp from "sharp";
import { camClassOf, camGrid, jet, overlayHeatmap, pickExamples } from "../../lib/explain/mod.ts";

const SIZE = 16;
/** Square of bright pixels: rows 2..5, columns 9..12. */
const image = Uint8Array.from({ length: SIZE * SIZE }, (_, i) => {
  const [r, c] = [Math.floor(i / SIZE), i % SIZE];
  return r >= 2 && r <= 5 && c >= 9 && c <= 12 ? 255 : 0;
});

Deno.test("overlayHeatmap: jet colours over the gray image, same size", async () => {
  assert.deepEqual(jet(0), [0, 0, 128]);
  assert.deepEqual(jet(1), [128, 0, 0]);
  assert.deepEqual(jet(0.5), [128, 255, 128]);
  const heat = Float32Array.from(image, (v) => v / 255);
  const png = await overlayHeatmap(new Uint8Array(SIZE * SIZE).fill(100), heat, SIZE);
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  assert.deepEqual([info.width, info.height, info.channels], [SIZE, SIZE, 3]);
  const px = (i: number) => [...data.subarray(3 * i, 3 * i + 3)];
  assert.deepEqual(px(0), [100, 100, 100], "no heat: the X-ray unchanged");
  const [r, g, b] = px(3 * SIZE + 10);
  assert.ok(r > 100 && g < 100 && b < 100, `hot pixel is red: ${[r, g, b]}`);
});

Deno.test("pickExamples and camGrid: most confident per outcome, grid size", async () => {
  const rows = [
    { label: 1 as const, prob: 0.9 },
    { label: 1 as const, prob: 0.99 },
    { label: 0 as const, prob: 0.7 },
    { label: 0 as const, prob: 0.1 },
    { label: 1 as const, prob: 0.2 },
    { label: 1 as const, prob: 0.4 },
  ];
  assert.deepEqual(pickExamples(rows, 0.5, 1), { TP: [1], FP: [2], TN: [3], FN: [4] });
  assert.deepEqual(pickExamples(rows, 0.5, 5).FN, [4, 5]);
  const tile = await overlayHeatmap(image, new Float32Array(SIZE * SIZE), SIZE);
  const png = await camGrid([
    { outcome: "TP", png: tile, caption: "p=0.99" },
    { outcome: "TP", png: tile, caption: "p=0.90" },
    { outcome: "FN", png: tile, caption: "p=0.20" },
  ], { tile: 32 });
  const meta = await sharp(png).metadata();
  // 150 px labels + 2 columns of (32 + 8); 4 rows of (32 + 22 caption + 8) + 8 top margin.
  assert.deepEqual([meta.width, meta.height], [150 + 2 * 40, 8 + 4 * 62]);
});

Deno.test("camClassOf: the heat is for the predicted class", () => {
  // Negatives explain NORMAL: a PNEUMONIA CAM of a confident NORMAL call is near zero everywhere.
  assert.deepEqual(["TP", "FP", "TN", "FN"].map((o) => camClassOf(o as "TP")), [1, 1, 0, 0]);
});
