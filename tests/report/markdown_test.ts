import assert from "node:assert/strict";
import { defaultConfig, type ExperimentConfig } from "../../lib/config.ts";
import {
  baselineSection,
  type Efficiency,
  efficiencyRows,
  type HistoryEntry,
  type PairedTest,
  type RunRecord,
} from "../../lib/report/mod.ts";

const epoch = (stage: number, imgPerS: number): HistoryEntry => ({
  epoch: 1,
  stage,
  val_accuracy: 0.9,
  seconds: 1,
  img_per_s: imgPerS,
});

const run = (
  config: Partial<ExperimentConfig>,
  history: HistoryEntry[],
  extra: Partial<RunRecord> = {},
): RunRecord => ({
  dir: "",
  config: { ...defaultConfig(config.profile ?? "full", config.model), ...config },
  evals: {},
  history,
  ...extra,
});

const measured: Efficiency = {
  model: "mobilenetv2",
  inputSize: 224,
  params: 2260546,
  weightsBytes: 9042184,
  backend: "wasm",
  latencyMs: 58.46,
  imgPerS: 28.31,
  batchSize: 16,
};

Deno.test("efficiencyRows: training throughput is averaged within one profile, never across", () => {
  const rows = efficiencyRows([
    // Cached features: stage 1 only trains the head, thousands of images a second.
    run({ profile: "fast" }, [epoch(1, 3000), epoch(1, 5000), epoch(2, 30)], {
      efficiency: measured,
      backend: "wasm",
    }),
    run({ profile: "full" }, [epoch(1, 40), epoch(1, 44), epoch(2, 20)], { backend: "wasm" }),
    run({ profile: "full", seed: 43 }, [epoch(1, 42), epoch(2, 24)], { backend: "webgpu" }),
    run({ profile: "full", model: "baseline", inputSize: 96 }, [epoch(1, 16)]),
  ]);
  assert.deepEqual(rows.map((r) => [r.model, r.training]), [
    ["MobileNetV2", "paper's training (`full`, 2 runs)"],
    ["MobileNetV2", "cached features (`fast`, 1 run)"],
    ["baseline CNN (stand-in)", "paper's training (`full`, 1 run)"],
  ]);
  const [full, fast, baseline] = rows;
  // full stage 1: mean of 40, 44, 42 = 42, SD 2; stage 2: 20 and 24 -> 22 ± 2.8 (sample SD).
  assert.equal(full["train img/s stage 1"], "42.0 ± 2.0");
  assert.equal(full["train img/s stage 2"], "22.0 ± 2.8");
  assert.equal(fast["train img/s stage 1"], "4000.0 ± 1414.2");
  // Inference belongs to the architecture: the full runs show the fast run's measurement.
  assert.equal(full["inference img/s"], "28.3 (batch 16, wasm)");
  assert.equal(full.params, "2,260,546");
  assert.equal(full["weights MB"], "9.04");
  assert.equal(full["training backend"], "wasm, webgpu");
  assert.equal(baseline["inference img/s"], "—");
  assert.equal(baseline["train img/s stage 2"], "—");
  assert.equal(baseline["training backend"], "not logged");
});

Deno.test("baselineSection says what `fast` means for the baseline only when such a run is shown", () => {
  const note = "its `fast` runs draw a fresh augmentation every epoch";
  const mobilenet = run({ profile: "fast", split: "patient" }, [epoch(1, 100)]);
  const fastBaseline = run({ profile: "fast", model: "baseline", split: "patient" }, []);
  assert.equal(fastBaseline.config.cacheFrozenFeatures, false);
  const fullBaseline = run({ profile: "full", model: "baseline", split: "patient" }, []);
  assert.ok(baselineSection([mobilenet, fastBaseline], []).includes(note));
  assert.ok(baselineSection([mobilenet, fastBaseline], []).includes('under "cached features"'));
  assert.ok(!baselineSection([mobilenet, fullBaseline], []).includes(note));
  assert.ok(!baselineSection([mobilenet], []).includes(note));
});

Deno.test("baselineSection lists McNemar's tests in the tables' order: profile full first, then seed", () => {
  const runs = (["fast", "full"] as const).flatMap((profile) =>
    (["mobilenetv2", "baseline"] as const).map((model) =>
      run({ profile, model, split: "patient", patientKey: "person", seed: 42 }, [])
    )
  );
  const test = (profile: "fast" | "full", seed: number): PairedTest => ({
    cohort: { protocol: "patient-person", profile, recipe: "" },
    seed,
    n: 10,
    modelA: "mobilenetv2",
    modelB: "baseline",
    b: 3,
    c: 1,
    pValue: 0.625,
  });
  const md = baselineSection(runs, [test("fast", 42), test("full", 43), test("full", 42)]);
  const rows = md.split("\n").filter((l) => /^\| patient-level .* \| 4[23] \| 10 \|/.test(l));
  assert.deepEqual(rows.map((l) => l.split(" | ").slice(0, 2).join(" | ")), [
    "| patient-level 80/10/10, keyed on personN (paper's training) | 42",
    "| patient-level 80/10/10, keyed on personN (paper's training) | 43",
    "| patient-level 80/10/10, keyed on personN (cached features) | 42",
  ]);
});
