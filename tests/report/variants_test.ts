import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { variantsTable } from "../../lib/report/mod.ts";

async function run(dir: string, name: string, val: number[] | null, test: number[]) {
  const d = join(dir, name);
  await mkdir(d, { recursive: true });
  await writeFile(
    join(d, "config.json"),
    JSON.stringify({ model: "mobilenetv2", split: "official", seed: 1 }),
  );
  const metrics = ([accuracy, sensitivity, specificity, roc_auc]: number[]) =>
    JSON.stringify({
      accuracy,
      sensitivity,
      specificity,
      roc_auc,
      per_class: { PNEUMONIA: { f1: accuracy } },
    });
  for (const [split, m] of [["val", val], ["test", test]] as const) {
    if (!m) continue;
    await mkdir(join(d, `eval-${split}`), { recursive: true });
    await writeFile(join(d, `eval-${split}`, "metrics.json"), metrics(m));
  }
  return d;
}

Deno.test("variantsTable: chosen by validation only, test shown; runs without val not eligible", async () => {
  const dir = await mkdtemp(join(tmpdir(), "cxr-variants-"));
  try {
    const dirs = [
      // The best test numbers but the lower validation AUC: not chosen.
      await run(dir, "a-weights", [0.8, 0.9, 0.7, 0.90], [0.95, 0.95, 0.95, 0.99]),
      await run(dir, "b-smooth", [0.85, 0.9, 0.8, 0.93], [0.85, 0.97, 0.65, 0.94]),
      await run(dir, "c-untested", null, [0.99, 0.99, 0.99, 0.999]),
    ];
    const t = await variantsTable(dirs);
    assert.equal(t.chosen, dirs[1]);
    assert.deepEqual(t.rows.map((r) => r.chosen), ["", "chosen", "no val metrics"]);
    assert.equal(t.rows[1]["val AUC"], "0.930");
    assert.equal(t.rows[0]["test AUC"], "0.990");
    assert.equal(t.rows[2]["val accuracy"], "—");
    assert.equal(
      t.rule,
      "highest validation ROC AUC, or the simplest candidate within one standard error of it " +
        "(test metrics shown, never used)",
    );
    // Another rule: balanced accuracy (sens + spec) / 2 on validation: 0.8 vs 0.85.
    const byBal = await variantsTable(dirs, { rule: "balanced_accuracy" });
    assert.equal(byBal.chosen, dirs[1]);
    const byNone = await variantsTable([dirs[2]]);
    assert.equal(byNone.chosen, null);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
