import assert from "node:assert/strict";
import { defaultConfig, type ExperimentConfig } from "../../lib/config.ts";
import {
  cohortLabel,
  cohortOf,
  cohortsOf,
  logBackend,
  logTrainingMinutes,
  paperRecipeRuns,
  protocolOf,
  type RunRecord,
  sameCohort,
} from "../../lib/report/mod.ts";

Deno.test("logTrainingMinutes: first to last timestamped line of a train.log, less pauses before a resume", () => {
  const log = [
    "2026-11-29T20:42:53.000Z training mobilenetv2 (full) at 224px on 4682 images",
    "progress line without a timestamp",
    "2026-11-29T20:45:01.500Z stage 1: frozen features ready",
    "2026-11-29T21:10:23.000Z epoch 12/15 stage 2: loss 0.05",
    "",
  ].join("\n");
  assert.equal(logTrainingMinutes(log), 27.5);
  // Stopped after epoch 11, resumed 15 minutes later: that stretch is not training time.
  const resumed = [
    "2026-12-03T22:46:16.000Z training mobilenetv2 (full) at 224px on 4682 images, backend wasm",
    "2026-12-03T23:24:16.000Z epoch 11/15 stage 2: loss 0.09",
    "2026-12-03T23:39:16.000Z resuming outputs/runs/full/paper/mobilenetv2-seed44 after epoch 11",
    "2026-12-03T23:43:46.000Z epoch 12/15 stage 2: loss 0.08",
  ].join("\n");
  assert.equal(logTrainingMinutes(resumed), 38 + 4.5);
  assert.equal(logTrainingMinutes("2026-11-29T20:42:53.000Z only one line\n"), undefined);
  assert.equal(logTrainingMinutes(""), undefined);
});

Deno.test("protocolOf and cohorts: patient key, official validation and profile keep runs apart", () => {
  const config = (over: Record<string, unknown>) => ({ ...defaultConfig("full"), ...over });
  assert.equal(protocolOf(config({ split: "paper" })), "paper");
  assert.equal(protocolOf(config({ split: "patient" })), "patient");
  assert.equal(protocolOf(config({ split: "patient", patientKey: "person" })), "patient-person");
  assert.equal(protocolOf(config({ split: "official" })), "official");
  assert.equal(
    protocolOf(config({ split: "official", officialVal: "kaggle" })),
    "official-kaggle-val",
  );
  // A config written before officialVal existed validated on the Kaggle folder.
  assert.equal(
    protocolOf(config({ split: "official", officialVal: undefined })),
    "official-kaggle-val",
  );
  const run = (over: Record<string, unknown>) => ({
    dir: "",
    config: config(over),
    evals: {},
    history: [],
  });
  const cohorts = cohortsOf([
    run({ split: "official", profile: "fast" }),
    run({ split: "paper", profile: "fast" }),
    run({ split: "official" }),
    run({ split: "paper" }),
    run({ split: "paper", seed: 7 }),
  ]);
  assert.deepEqual(cohorts.map((c) => `${c.profile}/${c.protocol}`), [
    "full/paper",
    "full/official",
    "fast/paper",
    "fast/official",
  ]);
});

Deno.test("cohorts: another recipe is another cohort, labelled with its recipe, after the paper's", () => {
  const run = (over: Partial<ExperimentConfig>): RunRecord => ({
    dir: "",
    config: { ...defaultConfig("fast"), split: "official", ...over },
    evals: {},
    history: [],
  });
  const runs = [
    run({ labelSmoothing: 0.1 }),
    run({ seed: 43 }),
    run({ classWeights: "balanced", borderMask: 0.1 }),
    // Recorded before the scope's default changed: still the paper's recipe.
    run({ weightDecayScope: "kernels" }),
  ];
  const cohorts = cohortsOf(runs);
  assert.deepEqual(cohorts.map((c) => c.recipe), [
    "",
    "classWeights balanced, borderMask 0.1",
    "labelSmoothing 0.1",
  ]);
  assert.equal(
    cohortLabel(cohorts[0]),
    "official 624-image test, validation carved from train/ (cached features)",
  );
  assert.equal(
    cohortLabel(cohorts[2]),
    "official 624-image test, validation carved from train/ (cached features; labelSmoothing 0.1)",
  );
  assert.ok(!sameCohort(cohortOf(runs[0]), cohortOf(runs[1])));
  assert.ok(sameCohort(cohortOf(runs[1]), cohortOf(runs[3])));
  assert.deepEqual(paperRecipeRuns(runs), [runs[1], runs[3]]);
});

Deno.test("logBackend: the backend named on a train.log's first line", () => {
  const log = [
    "2026-12-03T20:12:01.000Z training mobilenetv2 (full: fresh augmentation every epoch) at " +
    "224px on 4682 images, validating on 527, backend wasm",
    "2026-12-03T20:14:21.000Z epoch 1/15 stage 1: loss 0.3",
  ].join("\n");
  assert.equal(logBackend(log), "wasm");
  assert.equal(
    logBackend("2026-12-03T20:12:01.000Z resuming outputs/runs/x after epoch 3\n"),
    undefined,
  );
});
