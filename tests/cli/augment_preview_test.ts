import assert from "node:assert/strict";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";
import { main } from "../../lib/cli/augment_preview.ts";
import { CxrError } from "../../lib/errors.ts";

Deno.test("augment-preview writes a grid PNG: 6 rows of 4 tiles", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "cxr-augprev-" });
  for (
    const [label, name] of [["NORMAL", "IM-0001-0001"], ["NORMAL", "IM-0002-0001"], [
      "PNEUMONIA",
      "person1_virus_1",
    ], ["PNEUMONIA", "person2_virus_2"]]
  ) {
    const dir = join(tmp, "data", "train", label);
    await mkdir(dir, { recursive: true });
    const px = new Uint8Array(48 * 48).map((_, i) => (i * 7) % 256);
    await sharp(px, { raw: { width: 48, height: 48, channels: 1 } }).png().toFile(
      join(dir, `${name}.png`),
    );
  }
  const out = join(tmp, "preview.png");
  Deno.env.set("CXR_CACHE_DIR", join(tmp, "cache"));
  try {
    await main(["--data", join(tmp, "data"), "--out", out, "--images", "4", "--size", "32"]);
  } finally {
    Deno.env.delete("CXR_CACHE_DIR");
  }
  const meta = await sharp(out).metadata();
  // Layout of imageGrid: label column 150 + 4 x (160 + 8) wide; title 34 + 6 x (160 + 20 + 8) high.
  assert.equal(meta.format, "png");
  assert.equal(meta.width, 150 + 4 * 168);
  assert.equal(meta.height, 34 + 6 * 188);
  await assert.rejects(
    () => main(["--data", join(tmp, "data"), "--out", out, "--images", "3"]),
    CxrError,
  );
  await Deno.remove(tmp, { recursive: true });
});
