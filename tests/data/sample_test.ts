import assert from "node:assert/strict";
import { type ManifestRow, sampleRows } from "../../lib/data/mod.ts";
import { stratifiedSubset } from "../../lib/data/mod.ts";

const row = (i: number, label: "NORMAL" | "PNEUMONIA"): ManifestRow => ({
  path: `train/${label}/${String(i).padStart(2, "0")}.jpeg`,
  label,
  officialSplit: "train",
  patientId: `p${i}`,
  width: 224,
  height: 224,
  sha256: `${label}${i}`,
});
// Interleaved classes, so the per-class filter matters.
const ROWS = Array.from({ length: 20 }, (_, i) => row(i, i % 2 ? "PNEUMONIA" : "NORMAL"));

Deno.test("sampleRows: per class, NORMAL first, seeded, repeatable", () => {
  const a = sampleRows(ROWS, 2, 7).map((x) => x.path);
  assert.deepEqual(a, sampleRows(ROWS, 2, 7).map((x) => x.path));
  assert.equal(a.length, 4);
  assert.ok(a.slice(0, 2).every((p) => p.includes("NORMAL")));
  assert.ok(a.slice(2).every((p) => p.includes("PNEUMONIA")));
  assert.equal(new Set(a).size, 4, "no row twice");
  assert.notDeepEqual(a, sampleRows(ROWS, 2, 8).map((x) => x.path), "another seed, another draw");
  assert.equal(sampleRows(ROWS, 50, 1).length, 20, "a class smaller than perClass gives all");
});

Deno.test("stratifiedSubset: the same draw sorted by path; everything when perClass is 0", () => {
  const sorted = sampleRows(ROWS, 3, 5).map((x) => x.path).sort((a, b) => a.localeCompare(b));
  assert.deepEqual(stratifiedSubset(ROWS, 3, 5).map((x) => x.path), sorted);
  assert.deepEqual(stratifiedSubset(ROWS, 0, 5), ROWS);
});
