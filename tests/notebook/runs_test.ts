import assert from "node:assert/strict";
import { join } from "node:path";
import type { NotebookParams } from "../../lib/notebook/params.ts";
import { notebookConfig, runDirOf } from "../../lib/notebook/runs.ts";

const params: NotebookParams = {
  profile: "quick",
  split: "patient",
  seeds: [7, 8],
  dataDir: "/data/cxr",
  weightsDir: "/weights",
  outputsDir: "/out",
  runDir: "/out/runs/quick",
};

Deno.test("runDirOf: <runDir>/<split>/<model>-seed<seed>", () => {
  assert.equal(
    runDirOf(params, "baseline", 8),
    join("/out/runs/quick", "patient", "baseline-seed8"),
  );
});

Deno.test("notebookConfig: the profile's defaults with the notebook's split, seed and folders", async () => {
  const c = await notebookConfig(params, "mobilenetv2", 8);
  assert.deepEqual(
    [c.profile, c.model, c.split, c.seed, c.dataRoot, c.weightsDir],
    ["quick", "mobilenetv2", "patient", 8, "/data/cxr", "/weights"],
  );
  assert.equal(c.inputSize, 96); // the quick profile's input
  const b = await notebookConfig({ ...params, profile: "full" }, "baseline", 7);
  assert.deepEqual([b.inputSize, b.stage2Epochs], [96, 0]); // the baseline's CPU cut-down
});

Deno.test("notebook runs: cells from sweep.json; finished runs read from their files", async () => {
  const { expandGrid, recordSweep, sweepFile } = await import("../../lib/sweep/mod.ts");
  const { cellRunDir, evaluatedRun, notebookCells, trainedRun } = await import(
    "../../lib/notebook/runs.ts"
  );
  const dir = await Deno.makeTempDir({ prefix: "cxr-nb-runs-" });
  try {
    const p: NotebookParams = { ...params, profile: "full", runDir: dir };
    // Without sweep.json: the params' split and seeds.
    assert.deepEqual((await notebookCells(p, "baseline")).map((c) => c.seed), [7, 8]);
    const cells = expandGrid({
      models: ["mobilenetv2", "baseline"],
      splits: ["patient"],
      seeds: [42],
      patientKeys: ["person"],
    });
    await recordSweep(dir, sweepFile("full", cells));
    const [cell] = await notebookCells(p, "mobilenetv2");
    assert.deepEqual(cell, {
      model: "mobilenetv2",
      split: "patient",
      seed: 42,
      patientKey: "person",
    });
    const run = cellRunDir(p, cell);
    assert.equal(run, join(dir, "patient-person", "mobilenetv2-seed42"));
    await Deno.mkdir(join(run, "eval-test"), { recursive: true });
    const history = [0.8, 0.9, 0.9, 0.85].map((v, i) => ({
      epoch: i + 1,
      stage: 1,
      val_accuracy: v,
    }));
    await Deno.writeTextFile(join(run, "history.json"), JSON.stringify(history));
    await Deno.writeTextFile(
      join(run, "eval-test", "metrics.json"),
      JSON.stringify({ accuracy: 0.93, n: 10 }),
    );
    await Deno.writeTextFile(join(run, "eval-test", "report.md"), "done\n");
    // No data, weights or checkpoint needed: nothing is trained or evaluated.
    const trained = await trainedRun(p, cell);
    assert.equal(trained.fromFiles, true);
    assert.deepEqual(trained.best, { epoch: 2, value: 0.9 }); // first best, as the checkpoint keeps
    assert.equal(trained.history.length, 4);
    const evaluated = await evaluatedRun(p, cell);
    assert.deepEqual([evaluated.fromFiles, evaluated.metrics.accuracy], [true, 0.93]);
    assert.equal(evaluated.outDir, join(run, "eval-test"));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
