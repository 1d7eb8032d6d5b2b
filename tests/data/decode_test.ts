import assert from "node:assert/strict";
import sharp from "sharp";
import { decodeGray } from "../../lib/data/mod.ts";
import { CxrError } from "../../lib/errors.ts";
import { encodeImage, pixelsOf } from "./_fixtures.ts";
import { grayIccProfile, withIccProfile } from "./_icc.ts";

const gradient = (x: number, y: number) => 16 + ((x * 13 + y * 5) % 200);

Deno.test("decodeGray ignores an embedded grey ICC profile (profiled == unprofiled pixels)", async () => {
  const plain = await encodeImage({ width: 48, height: 48, format: "jpeg", value: gradient });
  const profiled = withIccProfile(plain, grayIccProfile(1.0));
  const meta = await sharp(profiled).metadata();
  assert.equal(meta.hasProfile, true);
  assert.equal((await sharp(plain).metadata()).hasProfile, false);
  // The profile is live: a colour-managed decode (sharp's default) brightens the image.
  const managed = await sharp(profiled).greyscale().raw().toBuffer();
  const raw = await sharp(plain).greyscale().raw().toBuffer();
  const mean = (a: Uint8Array) => a.reduce((s, v) => s + v, 0) / a.length;
  assert.ok(mean(managed) - mean(raw) > 10, `managed ${mean(managed)} vs raw ${mean(raw)}`);
  assert.deepEqual(await decodeGray(profiled, 48), await decodeGray(plain, 48));
  assert.deepEqual(await decodeGray(profiled, 20), await decodeGray(plain, 20));
});

Deno.test("decodeGray keeps exact values of 8-bit, 16-bit and RGBA PNGs at their own size", async () => {
  const expected = pixelsOf({ width: 12, height: 12, value: gradient });
  const gray8 = await encodeImage({ width: 12, height: 12, value: gradient });
  assert.deepEqual(await decodeGray(gray8, 12), expected);
  const png16 = await sharp(Uint16Array.from(expected, (v) => v * 257), {
    raw: { width: 12, height: 12, channels: 1 },
  }).toColourspace("grey16").png().toBuffer();
  assert.equal((await sharp(png16).metadata()).depth, "ushort");
  assert.deepEqual(await decodeGray(png16, 12), expected);
  const rgba = await encodeImage({
    width: 12,
    height: 12,
    channels: 4,
    value: (x, y, c) => (c === 3 ? 90 : gradient(x, y)),
  });
  assert.equal((await sharp(rgba).metadata()).channels, 4);
  assert.deepEqual(await decodeGray(rgba, 12), expected);
});

Deno.test("decodeGray resizes with fit fill (no crop, no padding)", async () => {
  // Left half black, right half white, 40x10: squashed to 8x8 each row is still half/half.
  const img = await encodeImage({ width: 40, height: 10, value: (x) => (x < 20 ? 0 : 255) });
  const px = await decodeGray(img, 8);
  assert.equal(px.length, 64);
  for (let y = 0; y < 8; y++) {
    assert.ok(px[y * 8] < 10 && px[y * 8 + 3] < 40, `row ${y} left dark`);
    assert.ok(px[y * 8 + 7] > 245 && px[y * 8 + 4] > 215, `row ${y} right bright`);
  }
});

Deno.test("decodeGray rejects corrupted, empty and non-image input with a CxrError", async () => {
  const jpeg = await encodeImage({ width: 64, height: 64, format: "jpeg", value: gradient });
  const cases: [string, Uint8Array, RegExp][] = [
    [
      "truncated JPEG",
      jpeg.subarray(0, jpeg.length - 300),
      /cannot decode: .*(premature end|truncated)/i,
    ],
    ["zero bytes", new Uint8Array(0), /empty file/],
    ["text", new TextEncoder().encode("not an image at all"), /cannot decode: /],
  ];
  for (const [what, bytes, re] of cases) {
    await assert.rejects(
      decodeGray(bytes, 8),
      (e) => e instanceof CxrError && re.test(e.message),
      what,
    );
  }
});
