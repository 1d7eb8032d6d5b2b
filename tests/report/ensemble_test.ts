import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CxrError } from "../../lib/errors.ts";
import { type PredictionRow, writePredictionsCsv } from "../../lib/metrics/mod.ts";
import { ensembleMismatch, seedEnsemble } from "../../lib/report/mod.ts";

async function predictions(dir: string, split: string, rows: PredictionRow[]): Promise<string> {
  await mkdir(join(dir, `eval-${split}`), { recursive: true });
  await writePredictionsCsv(join(dir, `eval-${split}`, "predictions.csv"), rows);
  return dir;
}

const row = (path: string, label: 0 | 1, prob: number): PredictionRow => ({ path, label, prob });

Deno.test("seedEnsemble: mean probability per image (matched by path), metrics at 0.5", async () => {
  const root = await mkdtemp(join(tmpdir(), "cxr-ensemble-"));
  try {
    const a = await predictions(join(root, "a"), "test", [
      row("n1.jpeg", 0, 0.1),
      row("n2.jpeg", 0, 0.6),
      row("p1.jpeg", 1, 0.4),
      row("p2.jpeg", 1, 0.9),
    ]);
    // Same images in another order.
    const b = await predictions(join(root, "b"), "test", [
      row("p2.jpeg", 1, 0.7),
      row("p1.jpeg", 1, 0.2),
      row("n2.jpeg", 0, 0.6),
      row("n1.jpeg", 0, 0.3),
    ]);
    assert.equal(await ensembleMismatch([a, b], "test"), null);
    const m = await seedEnsemble([a, b], "test");
    // Means: n1 0.2, n2 0.6, p1 0.3, p2 0.8 -> at 0.5: n2 a false positive, p1 a false negative.
    assert.equal(m.n, 4);
    assert.equal(m.threshold, 0.5);
    assert.deepEqual(m.confusion_matrix, [[1, 1], [1, 1]]);
    assert.equal(m.accuracy, 0.5);
    assert.equal(m.sensitivity, 0.5);
    assert.equal(m.specificity, 0.5);
    // Positives {0.3, 0.8} above negatives {0.2, 0.6} in 3 of 4 pairs.
    assert.equal(m.roc_auc, 0.75);
    // Log loss of the means: -(ln 0.8 + ln 0.4 + ln 0.3 + ln 0.8) / 4.
    const expected = -(Math.log(0.8) + Math.log(0.4) + Math.log(0.3) + Math.log(0.8)) / 4;
    assert.ok(Math.abs(m.log_loss - expected) < 1e-9, String(m.log_loss));
    // One run: its own metrics (p1 at 0.4 is a false negative, n2 at 0.6 a false positive).
    const single = await seedEnsemble([a], "test");
    assert.equal(single.accuracy, 0.5);
    assert.equal(single.roc_auc, 0.75);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

Deno.test("seedEnsemble: runs that scored other images or labels are refused, naming run and image", async () => {
  const root = await mkdtemp(join(tmpdir(), "cxr-ensemble-"));
  try {
    const a = await predictions(join(root, "a"), "val", [
      row("x.jpeg", 0, 0.1),
      row("y.jpeg", 1, 0.9),
    ]);
    const missing = await predictions(join(root, "b"), "val", [
      row("x.jpeg", 0, 0.2),
      row("z.jpeg", 1, 0.8),
    ]);
    await assert.rejects(
      seedEnsemble([a, missing], "val"),
      (e: Error) =>
        e instanceof CxrError &&
        e.message.includes(join(root, "b", "eval-val", "predictions.csv")) &&
        e.message.includes("no prediction for y.jpeg"),
    );
    assert.match((await ensembleMismatch([a, missing], "val"))!, /no prediction for y\.jpeg/);
    const extra = await predictions(join(root, "c"), "val", [
      row("x.jpeg", 0, 0.2),
      row("y.jpeg", 1, 0.8),
      row("w.jpeg", 1, 0.8),
    ]);
    assert.match((await ensembleMismatch([a, extra], "val"))!, /scores w\.jpeg, which .* did not/);
    const relabelled = await predictions(join(root, "d"), "val", [
      row("x.jpeg", 1, 0.2),
      row("y.jpeg", 1, 0.8),
    ]);
    assert.match(
      (await ensembleMismatch([a, relabelled], "val"))!,
      /labels x\.jpeg 1, .* labels it 0/,
    );
    // No eval-test folder: the missing file is named.
    await assert.rejects(seedEnsemble([a], "test"), /eval-test\/predictions\.csv/);
    await assert.rejects(seedEnsemble([], "test"), CxrError);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
