import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { compileSpec } from "../../lib/plots/mod.ts";
import {
  comparisonRocs,
  comparisonSpecs,
  type Efficiency,
  readRun,
  tradeoffPoints,
} from "../../lib/report/mod.ts";
import { fakeRun } from "./_fixtures.ts";

async function efficiency(dir: string, model: string, latencyMs: number, weightsBytes: number) {
  const eff: Efficiency = {
    model,
    inputSize: 96,
    params: weightsBytes / 4,
    weightsBytes,
    backend: "wasm",
    latencyMs,
    imgPerS: 1000 / latencyMs,
    batchSize: 16,
  };
  await writeFile(join(dir, "efficiency.json"), JSON.stringify(eff));
}

/** Paper split: MobileNetV2 seeds 1 (all right) and 2 (image 1 wrong), baseline seed 1 (image
 * 0 wrong); official split: MobileNetV2 alone. */
async function withRuns(fn: (dirs: string[]) => Promise<void>): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "cxr-cmpfig-" });
  try {
    const spec = [
      ["paper/mobilenetv2-seed1", "mobilenetv2", "paper", 1, []],
      ["paper/mobilenetv2-seed2", "mobilenetv2", "paper", 2, [1]],
      ["paper/baseline-seed1", "baseline", "paper", 1, [0]],
      ["official/mobilenetv2-seed1", "mobilenetv2", "official", 1, []],
    ] as const;
    const dirs = spec.map(([d]) => join(root, d));
    for (const [i, [, model, split, seed, wrong]] of spec.entries()) {
      await fakeRun(dirs[i], { model, split, seed, wrong: [...wrong] });
    }
    await efficiency(dirs[0], "mobilenetv2", 50, 9e6);
    await efficiency(dirs[2], "baseline", 5, 1.5e6);
    await fn(dirs);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

Deno.test("comparisonRocs: both models' curves on the first common seed, only where both ran", async () => {
  await withRuns(async (dirs) => {
    const runs = await Promise.all(dirs.map(readRun));
    const rocs = await comparisonRocs(runs);
    assert.equal(rocs.length, 1, "the official split has no baseline run");
    assert.equal(rocs[0].cohort.protocol, "paper");
    assert.equal(rocs[0].seed, 1);
    assert.match(rocs[0].title, /seed 1$/);
    assert.deepEqual(rocs[0].curves.map((c) => c.name), ["MobileNetV2", "baseline CNN (stand-in)"]);
    // All right: AUC 1. Baseline: negative 0 scores 0.8, tied with all 5 positives -> 22.5/25.
    assert.equal(rocs[0].curves[0].auc, 1);
    assert.ok(Math.abs(rocs[0].curves[1].auc - 0.9) < 1e-12);
    assert.equal(rocs[0].curves[1].curve.fpr.at(-1), 1);
  });
});

Deno.test("tradeoffPoints: accuracy over the seeds both models ran, cost from efficiency.json", async () => {
  await withRuns(async (dirs) => {
    const runs = await Promise.all(dirs.map(readRun));
    const points = tradeoffPoints(runs);
    assert.deepEqual(
      points.map((p) => [p.model, p.accuracy, p.latencyMs, p.weightsMb]),
      [["MobileNetV2", 1, 50, 9], ["baseline CNN (stand-in)", 0.9, 5, 1.5]],
      "MobileNetV2's seed 2 (accuracy 0.9) has no baseline partner and is left out",
    );
    assert.ok(points.every((p) => p.group.startsWith("image-level 80/10/10")));
    assert.equal(points[0].note, "1 seed(s), 96 px, wasm");

    const specs = await comparisonSpecs(runs);
    assert.equal(specs.length, 2, "one ROC figure and the trade-off figure");
    for (const spec of specs) await compileSpec(spec);
    const values = (specs[1] as { data: { values: { cost: string; value: number }[] } }).data
      .values;
    assert.deepEqual(values.map((v) => v.value), [50, 9, 5, 1.5]);
    // Without efficiency.json there is nothing to place: only the ROC figure.
    const unmeasured = runs.map((r) => ({ ...r, efficiency: undefined }));
    assert.equal((await comparisonSpecs(unmeasured)).length, 1);
    assert.deepEqual(await comparisonSpecs(runs.filter((r) => r.config.model !== "baseline")), []);
  });
});
