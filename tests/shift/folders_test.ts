import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  folderStats,
  shiftClassifier,
  shiftComparisons,
  type StatsRow,
  statsSummary,
  weightTable,
} from "../../lib/shift/mod.ts";
import { fixture } from "../evaluate/_fixture.ts";

/** Rows whose `mean` is `base + i * step` and whose other statistics are constant. */
function rows(group: string, base: number, n: number, storedCopy = true, step = 0.01): StatsRow[] {
  const [folder, label] = group.split(" ") as [StatsRow["folder"], StatsRow["label"]];
  return Array.from({ length: n }, (_, i) => ({
    path: `${group}/${i}`,
    sha256: "",
    folder,
    label,
    group,
    storedCopy,
    mean: base + i * step,
    contrast: 0.2,
    borderMean: 0.3,
    bodyFraction: 0.6,
    markerShare: 0,
    markerX: 0.5,
    markerY: 0.5,
  }));
}

Deno.test("shiftClassifier: groups apart on one statistic score 1, the weight sits on it", () => {
  const data = [...rows("train NORMAL", 0.2, 10), ...rows("test NORMAL", 0.6, 10)];
  const r = shiftClassifier(data, "train NORMAL", "test NORMAL", { seed: 2 });
  assert.equal(r.auc, 1);
  assert.deepEqual(r.counts, [10, 10]);
  const w = weightTable(data, r).objects() as Record<string, number | string>[];
  assert.equal(w[0].statistic, "mean");
  assert.ok((w[0].weight as number) > 0);
  assert.equal(w[0]["mean, train NORMAL"], 0.245); // 0.2 + mean(0..9) / 100
  assert.equal(w[0]["mean, test NORMAL"], 0.645);
  assert.throws(
    () => shiftClassifier(data, "train NORMAL", "val NORMAL"),
    /no images in group 'val NORMAL'/,
  );
});

Deno.test("shiftComparisons: the four pairs plus the NORMAL shift among 224x224 copies", () => {
  const data = [
    ...rows("train NORMAL", 0.2, 10, false),
    ...rows("train NORMAL", 0.6, 10, true),
    ...rows("test NORMAL", 0.6, 10),
    ...rows("train PNEUMONIA", 0.4, 10, true, 0),
    ...rows("test PNEUMONIA", 0.4, 10, true, 0),
  ];
  const out = shiftComparisons(data);
  assert.deepEqual(out.map((r) => r.what), [
    "shift of NORMAL (train vs test folder)",
    "shift of NORMAL, 224x224 copies only",
    "shift of PNEUMONIA",
    "class difference within test",
    "class difference within train",
  ]);
  assert.deepEqual(out[0].counts, [20, 10]);
  assert.deepEqual(out[1].counts, [10, 10]);
  // PNEUMONIA images identical in both folders, 2 + 2 per fold: every probability is 0.5.
  assert.equal(out[2].auc, 0.5);
  const summary = statsSummary(data).objects() as Record<string, unknown>[];
  assert.deepEqual(summary.map((s) => s.group), [
    "train NORMAL",
    "test NORMAL",
    "train PNEUMONIA",
    "test PNEUMONIA",
  ]);
  assert.equal(summary[0]["224x224 copies"], "50%");
  assert.equal(summary[0].images, 20);
});

Deno.test("folderStats: every image of a Kaggle-layout folder, with its group; bright squares raise the mean", async () => {
  const dir = await mkdtemp(join(tmpdir(), "cxr-shift-"));
  try {
    const { root } = await fixture(dir);
    const stats = await folderStats({ dataRoot: root, size: 32, cacheDir: join(dir, "cache") });
    assert.equal(stats.length, 16); // train 2 + 2, test 6 + 6
    const mean = (g: string) => {
      const v = stats.filter((s) => s.group === g).map((s) => s.mean);
      return v.reduce((a, b) => a + b, 0) / v.length;
    };
    assert.ok(mean("test PNEUMONIA") > mean("test NORMAL") + 0.1);
    const sample = await folderStats({
      dataRoot: root,
      size: 32,
      cacheDir: join(dir, "cache"),
      perGroup: 1,
    });
    assert.equal(sample.length, 4); // one per folder and class
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
