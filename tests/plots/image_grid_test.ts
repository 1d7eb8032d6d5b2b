import assert from "node:assert/strict";
import sharp from "sharp";
import { imageGrid } from "../../lib/plots/mod.ts";
import { grayPng } from "../../lib/notebook/figures.ts";

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

Deno.test("imageGrid: fontSize sets caption and title strips; tiles are placed at their cells", async () => {
  const black = await grayPng(new Uint8Array(10 * 10), 10);
  const png = await imageGrid([
    { label: "empty", tiles: [] },
    { label: "one", tiles: [{ png: black, caption: "" }] },
  ], { tile: 20, title: "T", labelWidth: 50, fontSize: 12 });
  const { data, info } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
  // width: 50 + 1 * (20 + 8); height: title 2 * 12 + 12 + 2 rows * (20 + (2 * 12 - 2) + 8)
  assert.deepEqual([info.width, info.height], [78, 36 + 2 * 50]);
  const at = (x: number, y: number) => data[y * info.width + x];
  assert.equal(at(60, 36 + 50 + 10), 0, "row 2 tile: black, upscaled to fill its cell");
  assert.equal(at(75, 36 + 50 + 10), 255, "gap right of the tile: white");
});

Deno.test("imageGrid: caption lines stack and long ones stop at their tile's edge", async () => {
  const white = await grayPng(new Uint8Array(10 * 10).fill(255), 10);
  const caption = "p=0.123\nperson1669_bacteria_4421_with_a_very_long_name";
  const png = await imageGrid([{
    label: "FN",
    note: "false negative\nheat for NORMAL, a class name far too long for the column",
    tiles: [{ png: white, caption }, { png: white, caption }],
  }], { tile: 64, labelWidth: 100, fontSize: 11 });
  const { data, info } = await sharp(png).greyscale().raw().toBuffer({ resolveWithObject: true });
  // width: 100 + 2 * (64 + 8); height: 8 + 64 + (2 * 11 - 2 + 14 for the second line) + 8
  assert.deepEqual([info.width, info.height], [244, 8 + 64 + 34 + 8]);
  const inkIn = (x0: number, x1: number, y0: number, y1: number) => {
    let ink = 0;
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) ink += data[y * info.width + x] < 128 ? 1 : 0;
    }
    return ink;
  };
  const [capTop, capBottom] = [8 + 64, info.height];
  assert.ok(inkIn(100, 164, capTop + 16, capBottom) > 0, "second caption line is drawn");
  assert.equal(inkIn(164, 172, capTop, capBottom), 0, "gap after the first tile stays white");
  assert.equal(inkIn(236, 244, capTop, capBottom), 0, "right margin stays white");
  assert.equal(inkIn(92, 100, 0, info.height), 0, "note stops before the tiles");
});
