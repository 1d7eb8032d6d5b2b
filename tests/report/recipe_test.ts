import assert from "node:assert/strict";
import { defaultConfig, loadConfig, PROFILES } from "../../lib/config.ts";
import { MODEL_NAMES } from "../../lib/models/names.ts";
import { recipeLabel, recipeOf } from "../../lib/report/mod.ts";

Deno.test("recipeOf: every profile's and model's defaults are the paper's recipe", () => {
  for (const profile of PROFILES) {
    for (const model of MODEL_NAMES) assert.equal(recipeOf(defaultConfig(profile, model)), "");
  }
  assert.equal(recipeLabel(""), "paper's recipe");
  assert.equal(recipeLabel("tta flip"), "tta flip");
});

Deno.test("recipeOf: an older config (fields missing, weight decay on kernels) keeps the paper's recipe", () => {
  // The shape of a fast run recorded before augment.translation/brightness, borderMask,
  // labelSmoothing, tta and threshold existed, with weightDecayScope "kernels".
  const old = {
    model: "mobilenetv2",
    split: "paper",
    profile: "fast",
    seed: 42,
    inputSize: 224,
    stage1Epochs: 5,
    stage2Epochs: 10,
    stage1LearningRate: 0.0001,
    stage2LearningRate: 1e-05,
    weightDecay: 0.004,
    dropout: 0.2,
    fineTuneFrom: "block_13_expand",
    augment: { enabled: true, rotation: 10, zoom: 0.1, contrast: 0.1, flip: true },
    classWeights: "none",
    cacheFrozenFeatures: true,
    weightDecayScope: "kernels",
  } as const;
  assert.equal(recipeOf(old), "");
  // The baseline's fast defaults (one stage at 1e-3, 96 px) are its own paper recipe.
  assert.equal(
    recipeOf({
      ...old,
      model: "baseline",
      stage1Epochs: 5,
      stage2Epochs: 0,
      stage1LearningRate: 1e-3,
    }),
    "",
  );
  // A config without a profile is compared with the full profile's defaults.
  assert.equal(recipeOf({ model: "mobilenetv2", labelSmoothing: 0 }), "");
});

Deno.test("recipeOf: the fields that differ, in declared order, augmentation per sub-field", () => {
  const fast = defaultConfig("fast");
  assert.equal(
    recipeOf({ ...fast, threshold: "youden", borderMask: 0.1, classWeights: "balanced" }),
    "classWeights balanced, borderMask 0.1, threshold youden",
  );
  assert.equal(
    recipeOf({ ...fast, augment: { ...fast.augment, flip: false, zoom: 0.2 }, stage2Epochs: 5 }),
    "augment (zoom 0.2, flip false), stage2Epochs 5",
  );
  // Quick's 1 + 1 epochs are its default; 2 stage-1 epochs are not.
  assert.equal(recipeOf({ ...defaultConfig("quick"), stage1Epochs: 2 }), "stage1Epochs 2");
  // Bookkeeping is not a recipe.
  assert.equal(recipeOf({ ...fast, seed: 7, dataRoot: "/data", weightDecayScope: "kernels" }), "");
});

Deno.test("recipeOf: the official-variants configs", async () => {
  const expected: Record<string, string> = {
    base: "",
    balanced: "classWeights balanced",
    border: "borderMask 0.1",
    smooth: "labelSmoothing 0.1",
    "strong-aug": "augment (rotation 15, zoom 0.2, translation 0.1, brightness 0.2)",
    deeper: "fineTuneFrom block_10_expand",
  };
  for (const [name, recipe] of Object.entries(expected)) {
    const file = new URL(`../../configs/official-variants/${name}.json`, import.meta.url).pathname;
    const config = await loadConfig({ profile: "fast", file, overrides: { split: "official" } });
    assert.equal(recipeOf(config), recipe, name);
  }
});
