import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  duplicateGroups,
  formatManifest,
  manifestTable,
  parseManifest,
  readManifest,
  scanDataset,
  writeManifest,
} from "../../lib/data/mod.ts";
import { CxrError } from "../../lib/errors.ts";
import { encodeImage, put, referenceRows, tempDir } from "./_fixtures.ts";
import { realDataRoot } from "../_real_data.ts";

Deno.test("scanDataset records size, hash, patient key and skips unreadable files", async () => {
  const root = await tempDir();
  const png = await encodeImage({ width: 40, height: 30 });
  await put(root, "train/NORMAL/IM-0001-0001.png", png);
  await put(root, "train/PNEUMONIA/person3_virus_9.jpeg", {
    width: 17,
    height: 11,
    format: "jpeg",
  });
  await put(root, "train/PNEUMONIA/odd name.png", { width: 5, height: 6, channels: 3 });
  await put(root, "test/NORMAL/zero.jpeg", new Uint8Array(0));
  await put(root, "test/NORMAL/text.jpeg", new TextEncoder().encode("this is not an image"));
  await put(root, "test/PNEUMONIA/copy.png", png);
  const scan = await scanDataset(root, { progress: false });
  assert.equal(scan.layout, "kaggle");
  assert.equal(scan.unrecognisedPatientIds, 2); // "odd name" and "copy"
  const sha = createHash("sha256").update(png).digest("hex");
  assert.deepEqual(
    scan.rows.map((r) => [r.path, r.label, r.officialSplit, r.patientId, r.width, r.height]),
    [
      ["test/PNEUMONIA/copy.png", "PNEUMONIA", "test", "copy", 40, 30],
      ["train/NORMAL/IM-0001-0001.png", "NORMAL", "train", "IM-0001", 40, 30],
      ["train/PNEUMONIA/odd name.png", "PNEUMONIA", "train", "odd name", 5, 6],
      ["train/PNEUMONIA/person3_virus_9.jpeg", "PNEUMONIA", "train", "person3_virus", 17, 11],
    ],
  );
  assert.equal(scan.rows[0].sha256, sha);
  assert.equal(scan.rows[1].sha256, sha);
  assert.notEqual(scan.rows[2].sha256, sha);
  assert.deepEqual(scan.skipped.map((s) => s.path), [
    "test/NORMAL/text.jpeg",
    "test/NORMAL/zero.jpeg",
  ]);
  assert.match(scan.skipped[0].reason, /^not a readable image: /);
  assert.equal(scan.skipped[1].reason, "empty file (0 bytes)");
  assert.deepEqual(duplicateGroups(scan.rows).map((g) => g.map((r) => r.path)), [
    ["test/PNEUMONIA/copy.png", "train/NORMAL/IM-0001-0001.png"],
  ]);

  const table = manifestTable(scan.rows);
  assert.equal(table.numRows(), 4);
  assert.deepEqual(table.array("width"), [40, 40, 5, 17]);

  const file = join(root, "out", "manifest.csv");
  await writeManifest(file, scan.rows);
  assert.deepEqual(await readManifest(file), scan.rows);
});

Deno.test("parseManifest rejects bad fields naming file and row; flat rows keep a null split", () => {
  const good = formatManifest([{
    path: "NORMAL/a,b.png",
    label: "NORMAL",
    officialSplit: null,
    patientId: "a,b",
    width: 3,
    height: 4,
    sha256: "0".repeat(64),
  }]);
  assert.equal(parseManifest(good, "m.csv")[0].officialSplit, null);
  assert.equal(parseManifest(good, "m.csv")[0].path, "NORMAL/a,b.png");
  const bad = good.replace("NORMAL,", "HEALTHY,");
  assert.throws(
    () => parseManifest(bad, "m.csv"),
    (e) => e instanceof CxrError && /m\.csv: row 1 \(line 2\): label 'HEALTHY'/.test(e.message),
  );
  assert.throws(() => parseManifest(good.replace(",3,4,", ",3,x,"), "m.csv"), /width\/height/);
});

Deno.test("real data: scan matches the shared manifest (5,856 images, hashes, 21 duplicate groups)", async () => {
  const REAL_ROOT = realDataRoot();
  const scan = await scanDataset(REAL_ROOT, { progress: false });
  const ref = await referenceRows();
  assert.equal(scan.rows.length, 5856);
  assert.equal(scan.skipped.length, 0);
  assert.equal(scan.unrecognisedPatientIds, 0);
  const count = (rows: typeof ref) => {
    const m: Record<string, number> = {};
    for (const r of rows) {
      m[`${r.officialSplit}/${r.label}`] = (m[`${r.officialSplit}/${r.label}`] ?? 0) + 1;
    }
    return m;
  };
  assert.deepEqual(count(scan.rows), {
    "train/NORMAL": 1341,
    "train/PNEUMONIA": 3875,
    "val/NORMAL": 8,
    "val/PNEUMONIA": 8,
    "test/NORMAL": 234,
    "test/PNEUMONIA": 390,
  });
  const refHash = new Map(ref.map((r) => [r.path, r.sha256]));
  assert.equal(scan.rows.filter((r) => refHash.get(r.path) !== r.sha256).length, 0);
  // Our key keeps the type (person123_bacteria); the shared manifest's is bare personN.
  const refIds = new Map(
    (await readFile(join(REAL_ROOT, "manifest.csv"), "utf8")).split("\n").slice(1).filter(Boolean)
      .map((l) => l.split(",")).map((f) => [`${f[0]}/${f[1]}/${f[2]}`, f[3]]),
  );
  const mismatched = scan.rows.filter((r) =>
    r.patientId.replace(/_(bacteria|virus)$/, "") !== refIds.get(r.path)
  );
  assert.deepEqual(mismatched, []);
  const groups = duplicateGroups(scan.rows);
  assert.deepEqual(groups.map((g) => g.length).sort(), [...Array(20).fill(2), 3].sort());
  const one = scan.rows.find((r) => r.path === "train/NORMAL/IM-0117-0001.jpeg")!;
  assert.deepEqual([one.width, one.height, one.patientId], [316, 256, "IM-0117"]); // 1422x1152 original, shorter side 256
});
