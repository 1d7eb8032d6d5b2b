import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { checkpointBasename, defaultConfig, loadConfig } from "../lib/config.ts";
import { CxrError } from "../lib/errors.ts";

Deno.test("full defaults are the paper's protocol", async () => {
  const c = await loadConfig();
  assert.equal(c.inputSize, 224);
  assert.deepEqual(c.fractions, [0.8, 0.1, 0.1]);
  assert.equal(c.stage1Epochs + c.stage2Epochs, 15);
  assert.equal(c.stage1LearningRate, 1e-4);
  assert.equal(c.stage2LearningRate, 1e-5);
  assert.equal(checkpointBasename(c), "best_mobilenetv2_chestxray");
  assert.equal(c.patientKey, "person-type");
  // Faithful: a fresh augmentation every epoch, Keras' AdamW decaying every variable, and the
  // official protocol validating on a carved set.
  assert.equal(c.cacheFrozenFeatures, false);
  assert.equal(c.weightDecayScope, "all");
  assert.equal(c.officialVal, "carved");
});

Deno.test("fast profile is full with the frozen-feature cache and nothing else", async () => {
  const full = await loadConfig({ profile: "full" });
  const fast = await loadConfig({ profile: "fast" });
  const changed = Object.keys(full).filter((k) =>
    JSON.stringify(full[k as keyof typeof full]) !== JSON.stringify(fast[k as keyof typeof fast])
  );
  assert.deepEqual(changed.sort(), ["cacheFrozenFeatures", "profile"]);
  assert.equal(fast.augmentViews, 1);
  const fb = defaultConfig("fast", "baseline");
  assert.equal(fb.cacheFrozenFeatures, false, "the baseline has no frozen part to cache");
  assert.deepEqual([fb.inputSize, fb.stage1Epochs], [96, 5]);
});

Deno.test("quick profile is small; baseline has one stage", async () => {
  const q = await loadConfig({ profile: "quick" });
  assert.equal(q.inputSize, 96);
  assert.equal(q.stage1Epochs, 1);
  assert.equal(q.stage2Epochs, 1);
  assert.equal(q.subsetPerClass, 48);
  const b = defaultConfig("full", "baseline");
  // The CPU cut-down of the full profile: 96 px, 5 epochs, one stage, Adam's usual rate.
  assert.deepEqual([b.inputSize, b.stage1Epochs, b.stage2Epochs], [96, 5, 0]);
  assert.equal(b.stage1LearningRate, 1e-3);
  const qb = defaultConfig("quick", "baseline");
  assert.deepEqual([qb.inputSize, qb.stage1Epochs, qb.stage2Epochs], [96, 2, 0]);
  assert.equal(checkpointBasename(b), "best_baseline_chestxray");
});

Deno.test("file then flags override defaults, nested augment merges", async () => {
  const dir = await mkdtemp(join(tmpdir(), "cfg-"));
  const file = join(dir, "c.json");
  await writeFile(file, JSON.stringify({ seed: 5, batchSize: 8, augment: { rotation: 20 } }));
  const c = await loadConfig({ file, overrides: { seed: 9 } });
  assert.equal(c.seed, 9);
  assert.equal(c.batchSize, 8);
  assert.equal(c.augment.rotation, 20);
  assert.equal(c.augment.zoom, 0.1);
});

Deno.test("bad fields give CxrErrors naming the field", async () => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ batchSize: 0 }, /'batchSize'/],
    [{ inputSize: 100 }, /'inputSize'.*multiple of 32/],
    [{ split: "random" }, /'split'.*paper, patient, official/],
    [{ fractions: [0.5, 0.1, 0.1] }, /'fractions' sums/],
    [{ augment: { rotation: -1 } }, /'augment.rotation'/],
    [{ augment: { shear: 1 } }, /unknown config field 'augment.shear'/],
    [{ learningRate: 1 }, /unknown config field 'learningRate'/],
    [{ model: "baseline", stage2Epochs: 3 }, /'stage2Epochs' must be 0/],
    [{ patientKey: "personN" }, /'patientKey' is "personN"; expected one of person-type, person/],
    [{ officialVal: "val" }, /'officialVal' is "val"; expected one of carved, kaggle/],
    [{ weightDecayScope: "bias" }, /'weightDecayScope' is "bias"; expected one of all, kernels/],
    [{ profile: "slow" }, /'profile' is "slow"; expected one of quick, fast, full/],
  ];
  for (const [overrides, pattern] of cases) {
    await assert.rejects(
      () => loadConfig({ overrides: overrides as never }),
      (err: unknown) => err instanceof CxrError && pattern.test(err.message),
      JSON.stringify(overrides),
    );
  }
  const dir = await mkdtemp(join(tmpdir(), "cfg-"));
  const file = join(dir, "bad.json");
  await writeFile(file, "{ nope");
  await assert.rejects(() => loadConfig({ file }), /bad\.json is not valid JSON/);
});
