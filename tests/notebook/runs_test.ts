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
