import assert from "node:assert/strict";
import { defaultConfig } from "../../lib/config.ts";
import { cohortsOf, logSpanMinutes, protocolOf } from "../../lib/report/mod.ts";

Deno.test("logSpanMinutes: first to last timestamped line of a train.log", () => {
  const log = [
    "2026-11-29T20:42:53.000Z training mobilenetv2 (full) at 224px on 4682 images",
    "progress line without a timestamp",
    "2026-11-29T20:45:01.500Z stage 1: frozen features ready",
    "2026-11-29T21:10:23.000Z epoch 12/15 stage 2: loss 0.05",
    "",
  ].join("\n");
  assert.equal(logSpanMinutes(log), 27.5);
  assert.equal(logSpanMinutes("2026-11-29T20:42:53.000Z only one line\n"), undefined);
  assert.equal(logSpanMinutes(""), undefined);
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
