import assert from "node:assert/strict";
import { bandWidth, imageStats, otsuThreshold } from "../../lib/shift/mod.ts";
import { CxrError } from "../../lib/errors.ts";

const near = (a: number, b: number, what: string) =>
  assert.ok(Math.abs(a - b) < 1e-9, `${what}: ${a} vs ${b}`);

/** 10x10: black, a 6x6 square of 100 at rows/columns 2-7, one marker pixel of 255 at (0, 9). */
function synthetic(): Uint8Array {
  const px = new Uint8Array(100);
  for (let r = 2; r < 8; r++) for (let c = 2; c < 8; c++) px[r * 10 + c] = 100;
  px[9] = 255;
  return px;
}

Deno.test("otsuThreshold: two levels split between them (lowest maximiser), constant image 0", () => {
  const px = new Uint8Array(50).fill(20);
  px.fill(200, 20);
  assert.equal(otsuThreshold(px), 21);
  assert.equal(otsuThreshold(new Uint8Array(16).fill(7)), 0);
  // {0 x63, 100 x36, 255 x1}: {0} | {100, 255} has between-variance 63 * 37 * (3855 / 37)^2,
  // larger than {0, 100} | {255} with 99 * 1 * (255 - 3600 / 99)^2, so t = 1.
  assert.equal(otsuThreshold(synthetic()), 1);
});

Deno.test("imageStats: hand-computed values on a synthetic image", () => {
  const s = imageStats(synthetic(), 10, { border: 0.1, markerLevel: 240 });
  const mean = (36 * 100 + 255) / 100; // 38.55
  const variance = (36 * 100 ** 2 + 255 ** 2) / 100 - mean ** 2;
  near(s.mean, mean / 255, "mean");
  near(s.contrast, Math.sqrt(variance) / 255, "contrast");
  // The outer 1-pixel ring: 100 - 64 = 36 pixels, all 0 but the marker.
  near(s.borderMean, 255 / 36 / 255, "borderMean");
  near(s.bodyFraction, 37 / 100, "bodyFraction");
  near(s.markerShare, 1 / 36, "markerShare");
  near(s.markerX, 1, "markerX");
  near(s.markerY, 0, "markerY");
});

Deno.test("imageStats: no marker pixels put the marker at the centre; bad input says why", () => {
  const px = new Uint8Array(64).fill(30);
  const s = imageStats(px, 8);
  assert.equal(s.markerShare, 0);
  assert.equal(s.markerX, 0.5);
  assert.equal(s.markerY, 0.5);
  assert.equal(s.bodyFraction, 0);
  near(s.contrast, 0, "contrast of a flat image");
  assert.throws(
    () => imageStats(px, 9),
    (e: Error) => e instanceof CxrError && /64 pixels for a 9x9/.test(e.message),
  );
  assert.equal(bandWidth(224, 0.1), 22);
  assert.throws(() => bandWidth(10, 0.5), CxrError);
});
