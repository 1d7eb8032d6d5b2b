import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  FAST_CAVEAT,
  goalSentence,
  officialRunDirs,
  readRun,
  recipeOverSeeds,
  recipesSection,
  recipesTried,
  RULE_HISTORY,
  selectOnValidation,
} from "../../lib/report/mod.ts";
import type { MetricsSummary } from "../../lib/metrics/mod.ts";
import { defaultConfig, type ExperimentConfig } from "../../lib/config.ts";
import { fakeRun } from "./_fixtures.ts";

type Eval = { wrong: number[]; imagePrefix?: string };

/** A run with a val and a test evaluation (10 images each, see fakeRun). */
async function run(
  dir: string,
  seed: number,
  val: Eval | null,
  test: Eval,
  config: Partial<ExperimentConfig> = {},
) {
  const base = { model: "mobilenetv2", split: "official", seed, config } as const;
  if (val) await fakeRun(dir, { ...base, evalName: "val", ...val });
  await fakeRun(dir, { ...base, evalName: "test", ...test });
  return dir;
}

async function withRuns(fn: (root: string) => Promise<void>) {
  const root = await mkdtemp(join(tmpdir(), "cxr-recipes-"));
  try {
    const q = join(root, "quick");
    // quick profile. The paper's recipe, two seeds, each validated on its own images:
    // val AUC 0.9 (image 0 wrong) and 0.8 (images 0, 1 wrong).
    await run(join(q, "official", "mobilenetv2-seed1"), 1, { wrong: [0] }, { wrong: [0, 1] });
    await run(join(q, "official", "mobilenetv2-seed2"), 2, { wrong: [0, 1], imagePrefix: "v" }, {
      wrong: [0, 2],
    });
    // Label smoothing: the best validation (AUC 1) and the worst test (0.6): chosen all the same.
    await run(join(q, "official-variants", "smooth-seed1"), 1, { wrong: [] }, {
      wrong: [0, 1, 2, 3],
    }, { labelSmoothing: 0.1 });
    // Not eligible: no validation evaluation, a perfect test.
    await run(join(q, "official-variants", "balanced-seed1"), 1, null, { wrong: [] }, {
      classWeights: "balanced",
    });
    // Not the official protocol with carved validation, or not MobileNetV2: left out.
    await run(join(q, "official", "kaggle-seed1"), 1, { wrong: [] }, { wrong: [] }, {
      officialVal: "kaggle",
    });
    await fakeRun(join(q, "official", "baseline-seed1"), {
      model: "baseline",
      split: "official",
      seed: 1,
      wrong: [],
    });
    await fakeRun(join(q, "paper", "mobilenetv2-seed1"), {
      model: "mobilenetv2",
      split: "paper",
      seed: 1,
      wrong: [],
    });
    // fast profile: two seeds validated on the same images, so their ensemble is eligible.
    const f = join(root, "fast", "official-variants");
    const fast = defaultConfig("fast");
    await run(join(f, "base-seed1"), 1, { wrong: [0, 1] }, { wrong: [] }, fast);
    await run(join(f, "base-seed2"), 2, { wrong: [2, 3] }, { wrong: [] }, fast);
    await fn(root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

Deno.test("officialRunDirs: official-protocol runs (carved validation) under several roots", async () => {
  await withRuns(async (root) => {
    const q = join(root, "quick");
    const dirs = await officialRunDirs([join(q, "official"), join(q, "official-variants")]);
    // Sorted by path ("official-variants/" before "official/"); the baseline is left out.
    assert.deepEqual(dirs, [
      join(q, "official-variants", "balanced-seed1"),
      join(q, "official-variants", "smooth-seed1"),
      join(q, "official", "mobilenetv2-seed1"),
      join(q, "official", "mobilenetv2-seed2"),
    ]);
    assert.deepEqual(await officialRunDirs([join(q, "official")], "baseline"), [
      join(q, "official", "baseline-seed1"),
    ]);
    assert.deepEqual(await officialRunDirs([join(root, "missing")]), []);
  });
});

Deno.test("recipesTried: one row per run and per recipe's seed ensemble, chosen on validation", async () => {
  await withRuns(async (root) => {
    const dirs = await officialRunDirs([root]);
    const runs = await Promise.all(
      [...dirs, join(root, "quick", "official", "baseline-seed1")].map(readRun),
    );
    const trials = await recipesTried(runs);
    assert.deepEqual(trials.map((t) => t.profile), ["fast", "quick"]);
    const [fast, quick] = trials;

    const cols = (r: Record<string, string>) =>
      [r.recipe, r.seed, r["val AUC"], r["test accuracy"], r["test AUC"], r.chosen].join(" | ");
    assert.deepEqual(quick.selection.rows.map(cols), [
      "paper's recipe | 1 | 0.900 | 0.800 | 0.800 | ",
      "paper's recipe | 2 | 0.800 | 0.800 | 0.800 | ",
      // Test means: image 0 (NORMAL) 0.8, images 1 and 2 at 0.5 (>= 0.5: PNEUMONIA), the rest
      // right: accuracy 8/10; negatives {0.8, 0.5, 0.2 x3}, positives {0.5, 0.8 x4}: AUC
      // (3.5 + 4 * 4.5) / 25 = 0.86.
      "paper's recipe | seed ensemble (1, 2) | — | 0.800 | 0.860 | " +
      "not eligible: each seed validated on other images",
      "classWeights balanced | 1 | — | 1.000 | 1.000 | no val metrics",
      "labelSmoothing 0.1 | 1 | 1.000 | 0.600 | 0.600 | chosen",
    ]);
    assert.equal(quick.selection.rows[2]["test sensitivity"], "1.000");
    assert.equal(quick.selection.rows[2]["test specificity"], "0.600");
    assert.equal(quick.selection.rows[0].profile, "quick");
    assert.equal(
      goalSentence(quick),
      "The chosen row is " +
        "labelSmoothing 0.1, seed 1; it was selected on validation metrics only. With test " +
        "accuracy 0.600 and ROC AUC 0.600, it does not reach the goal on the official test " +
        "(accuracy ≥ 0.90 and ROC AUC ≥ 0.96).",
    );

    // Shared validation images: ensemble means 0.5 on images 0-3, so negatives {0.5 x2, 0.2 x3}
    // and positives {0.5 x2, 0.8 x3}: AUC (2 * 0.5 * 2 + 2 * 3 + 3 * 5) / 25 = 0.92 > 0.8.
    assert.deepEqual(fast.selection.rows.map(cols), [
      "paper's recipe | 1 | 0.800 | 1.000 | 1.000 | ",
      "paper's recipe | 2 | 0.800 | 1.000 | 1.000 | ",
      "paper's recipe | seed ensemble (1, 2) | 0.920 | 1.000 | 1.000 | chosen",
    ]);
    assert.match(
      goalSentence(fast),
      /is paper's recipe, seed ensemble \(1, 2\);.* it reaches the goal/,
    );

    // The chosen quick run has val and test predictions (10 images each): its threshold ladder.
    assert.equal(quick.operatingPoint?.atDefault.test.accuracy, 0.6);
    assert.equal(fast.operatingPoint, undefined); // an ensemble was chosen
    const md = recipesSection(trials);
    assert.ok(md.includes("What limits the chosen run, a diagnostic that chooses nothing: At 0.5"));
    assert.ok(md.includes(RULE_HISTORY));
    assert.match(md, /one-standard-error rule/);
    assert.ok(md.includes("**cached features (`fast`)**\n\n" + FAST_CAVEAT));
    assert.equal(md.split(FAST_CAVEAT).length, 2); // under the fast table only
    assert.ok(md.includes(
      "| Kermany et al. 2018, official 624-image test | 624 | 0.928 | 0.932 | 0.901 | 0.968 | not stated |",
    ));
    assert.ok(md.includes(
      "| MedMNIST v2 PneumoniaMNIST, ResNet-50 at 224 px | 624 | 0.884 | — | — | 0.962 | " +
        "on 524 validation images carved from train/ |",
    ));
    assert.ok(md.includes("| MedMNIST v2 PneumoniaMNIST, ResNet-18 at 28 px | 624 | 0.854 |"));
    assert.equal(
      recipesSection(await recipesTried([])),
      "_No MobileNetV2 run of the official protocol with validation carved from train/._",
    );
  });
});

Deno.test("recipesTried: no validation anywhere chooses nothing and says how to evaluate", async () => {
  await withRuns(async (root) => {
    const runs = [await readRun(join(root, "quick", "official-variants", "balanced-seed1"))];
    const [trial] = await recipesTried(runs);
    assert.equal(trial.selection.chosen, -1);
    assert.match(goalSentence(trial), /nothing is chosen; .*--split val/);
  });
});

/** Metrics with the given ROC AUC and accuracy; `ci`: a 95% AUC interval 0.00392 wide (SE 0.001). */
const metrics = (auc: number, accuracy: number, ci = false) =>
  ({
    roc_auc: auc,
    accuracy,
    sensitivity: 1,
    specificity: 0.5,
    ...(ci ? { ci: { roc_auc: [auc - 0.00292, auc + 0.001] } } : {}),
  }) as unknown as MetricsSummary;

Deno.test("selectOnValidation: the one-standard-error rule takes the simplest row validation cannot separate", () => {
  const paper = {
    cells: { recipe: "paper's recipe", seed: "42" },
    val: metrics(0.998, 0.99),
    test: metrics(0.956, 0.816),
    departures: 0,
  };
  const balanced = {
    cells: { recipe: "classWeights balanced", seed: "42" },
    val: metrics(0.9985, 0.99, true),
    test: metrics(0.955, 0.814),
    departures: 1,
  };
  const far = { ...paper, val: metrics(0.9974, 0.99) }; // 0.0011 below: outside the band
  const within = selectOnValidation([paper, balanced], "roc_auc");
  assert.equal(within.best, 1);
  assert.ok(Math.abs(within.standardError - 0.001) < 1e-12);
  assert.deepEqual(within.tied, [0, 1]);
  assert.equal(within.chosen, 0); // 0.0005 lower, but no departure from the paper
  assert.ok(Math.abs(within.margin + 0.0005) < 1e-12);
  assert.equal(within.rows[0].chosen, "chosen");
  const sentence = goalSentence({
    profile: "fast",
    candidates: [paper, balanced],
    selection: within,
    notes: [],
  });
  assert.match(sentence, /The chosen row is paper's recipe, seed 42;/);
  assert.match(
    sentence,
    /2 rows lie within one standard error \(0\.0010, from the bootstrap interval\) of the highest validation ROC AUC, 0\.9985 \(classWeights balanced, seed 42\): validation does not separate them/,
  );
  assert.match(sentence, /test accuracy 0\.816 and ROC AUC 0\.956, it does not reach/);
  // Outside the band the highest score wins, and nothing is said of ties.
  const apart = selectOnValidation([far, balanced], "roc_auc");
  assert.deepEqual([apart.chosen, apart.tied], [1, [1]]);
  assert.doesNotMatch(
    goalSentence({ profile: "fast", candidates: [far, balanced], selection: apart, notes: [] }),
    /standard error/,
  );
  // Equal departures within the band: the higher score; without an interval: the highest.
  const same = selectOnValidation([{ ...paper, departures: 1 }, balanced], "roc_auc");
  assert.equal(same.chosen, 1);
  const noCi = selectOnValidation([paper, { ...balanced, val: metrics(0.9985, 0.99) }], "roc_auc");
  assert.ok(Number.isNaN(noCi.standardError));
  assert.deepEqual([noCi.chosen, noCi.tied], [1, [1]]);
  // A single candidate: no margin.
  assert.ok(Number.isNaN(selectOnValidation([paper], "roc_auc").margin));
});

Deno.test("goalSentence: a recipe trained on several seeds is judged on the mean of its seeds", () => {
  const paper = { recipe: "paper's recipe" };
  const trial = (acc: [number, number], auc: [number, number], ensemble: [number, number]) => {
    const candidates = [
      {
        cells: { ...paper, seed: "42" },
        val: metrics(0.998, 0.99, true),
        test: metrics(auc[0], acc[0]),
        dir: "a",
      },
      {
        cells: { ...paper, seed: "43" },
        val: metrics(0.997, 0.99),
        test: metrics(auc[1], acc[1]),
        dir: "b",
      },
      {
        cells: { ...paper, seed: "seed ensemble (42, 43)" },
        test: metrics(ensemble[1], ensemble[0]),
        departures: 1,
        ineligible: "not eligible: each seed validated on other images",
      },
    ];
    return {
      profile: "full" as const,
      candidates,
      selection: selectOnValidation(candidates),
      notes: [],
    };
  };
  // Seeds 0.80 and 0.82: mean 0.81, sample SD sqrt(2 * 0.01^2 / 1) = 0.0141; AUC 0.962 ± 0.0028.
  const short = trial([0.80, 0.82], [0.96, 0.964], [0.81, 0.965]);
  assert.equal(short.selection.chosen, 0);
  const over = recipeOverSeeds(short)!;
  assert.equal(over.accuracy.n, 2);
  assert.ok(Math.abs(over.accuracy.mean - 0.81) < 1e-12);
  assert.ok(Math.abs(over.accuracy.sd - Math.SQRT2 * 0.01) < 1e-12);
  assert.equal(over.ensemble?.cells.seed, "seed ensemble (42, 43)");
  assert.ok(
    goalSentence(short).endsWith(
      "With test accuracy 0.800 and ROC AUC 0.960, it does not reach the goal on the official " +
        "test (accuracy ≥ 0.90 and ROC AUC ≥ 0.96). The goal is judged on the recipe, paper's " +
        "recipe, as the mean of its 2 seeds (each run's checkpoint chosen on its own validation): " +
        "test accuracy 0.810 ± 0.014 and ROC AUC 0.962 ± 0.003, which does not reach the goal; " +
        "its 2-seed ensemble (mean probability, at 0.5) scores accuracy 0.810 and ROC AUC 0.965 " +
        "and does not reach it.",
    ),
  );
  // The chosen seed alone falls short while the mean reaches: the recipe's mean decides.
  const reached = goalSentence(trial([0.89, 0.93], [0.97, 0.976], [0.92, 0.97]));
  assert.match(reached, /0\.890 and ROC AUC 0\.970, it does not reach the goal/);
  assert.match(
    reached,
    /test accuracy 0\.910 ± 0\.028 and ROC AUC 0\.973 ± 0\.004, which reaches the goal; .* and reaches it\.$/,
  );
  // One seed of the recipe: nothing to average.
  const one = { ...short, candidates: short.candidates.slice(0, 1) };
  one.selection = selectOnValidation(one.candidates);
  assert.equal(recipeOverSeeds(one), undefined);
  assert.doesNotMatch(goalSentence(one), /mean of its/);
});
