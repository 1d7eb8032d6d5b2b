import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import type { ManifestRow } from "../../lib/data/mod.ts";
import { compileSpec } from "../../lib/plots/mod.ts";
import {
  duplicateTable,
  imageSizeSpec,
  imagesPerPatientSpec,
  officialFolders,
  patientTable,
  sampleGrid,
  sizeTable,
  splitCounts,
} from "../../lib/notebook/explore.ts";

const r = (
  path: string,
  label: "NORMAL" | "PNEUMONIA",
  patientId: string,
  [width, height]: [number, number] = [224, 224],
  sha256 = path,
): ManifestRow => ({
  path,
  label,
  officialSplit: path.split("/")[0] as ManifestRow["officialSplit"],
  patientId,
  width,
  height,
  sha256,
});

const ROWS: ManifestRow[] = [
  r("train/NORMAL/a.jpeg", "NORMAL", "p1", [300, 256]),
  r("train/NORMAL/b.jpeg", "NORMAL", "p1", [256, 280]),
  r("train/NORMAL/c.jpeg", "NORMAL", "p2"),
  r("train/PNEUMONIA/d.jpeg", "PNEUMONIA", "p3", [224, 224], "same"),
  r("train/PNEUMONIA/e.jpeg", "PNEUMONIA", "p3", [224, 224], "same"),
  r("test/PNEUMONIA/f.jpeg", "PNEUMONIA", "p4"),
];

Deno.test("splitCounts and patientTable count by hand", () => {
  const split = officialFolders(ROWS);
  assert.deepEqual(splitCounts(split), {
    train: { NORMAL: 3, PNEUMONIA: 2 },
    val: { NORMAL: 0, PNEUMONIA: 0 },
    test: { NORMAL: 0, PNEUMONIA: 1 },
  });
  const [train, val, test] = patientTable(split);
  // train: p1 x2, p2 x1, p3 x2 -> 5 images, 3 patients, mean 1.67, max 2
  assert.deepEqual(Object.values(train), ["train", 5, 3, 1.67, 2]);
  assert.deepEqual(Object.values(val), ["val", 0, 0, 0, 0]);
  assert.deepEqual(Object.values(test), ["test", 1, 1, 1, 1]);
});

Deno.test("sizeTable: 224x224 copies vs originals with their shorter side", () => {
  const t = sizeTable(ROWS);
  assert.deepEqual(t[0], {
    folder: "train",
    label: "NORMAL",
    images: 3,
    "224x224 copies": 1,
    "original resolution": 2,
    "original share": "66.7%",
    "shorter side (originals)": "256–256 px",
  });
  assert.equal(t.length, 3);
  assert.equal(t[2]["original share"], "0.0%");
});

Deno.test("duplicateTable lists each group once", () => {
  assert.deepEqual(duplicateTable(ROWS), [{
    group: 1,
    images: 2,
    label: "PNEUMONIA",
    folder: "train",
    patients: "p3",
    files: "d.jpeg, e.jpeg",
  }]);
});

Deno.test("exploration specs compile with Vega-Lite and carry the counts", async () => {
  const perPatient = imagesPerPatientSpec(ROWS) as { data: { values: Record<string, unknown>[] } };
  await compileSpec(perPatient as never);
  // NORMAL: p1 has 2 images, p2 has 1; PNEUMONIA: p3 2, p4 1
  const v = perPatient.data.values.map((x) => `${x.label}:${x.images}:${x.patients}`).sort();
  assert.deepEqual(v, ["NORMAL:1:1", "NORMAL:2:1", "PNEUMONIA:1:1", "PNEUMONIA:2:1"]);
  const sizes = imageSizeSpec(ROWS) as { data: { values: { images: number }[] } };
  await compileSpec(sizes as never);
  assert.equal(sizes.data.values.reduce((a, b) => a + b.images, 0), ROWS.length);
});

Deno.test("sampleGrid: a PNG grid of real files", async () => {
  const root = await mkdtemp(join(tmpdir(), "cxr-explore-"));
  try {
    for (const row of ROWS) {
      await mkdir(join(root, row.path, ".."), { recursive: true });
      const img = await sharp({
        create: { width: 40, height: 30, channels: 3, background: "gray" },
      })
        .jpeg().toBuffer();
      await writeFile(join(root, row.path), img);
    }
    const png = await sampleGrid(root, ROWS, { perClass: 2, seed: 1, tile: 50 });
    const meta = await sharp(png).metadata();
    assert.equal(meta.format, "png");
    // label column 120 + 2 tiles of (50 + 8)
    assert.equal(meta.width, 120 + 2 * 58);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
