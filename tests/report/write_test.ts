import assert from "node:assert/strict";
import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defaultConfig } from "../../lib/config.ts";
import type { ManifestRow } from "../../lib/data/mod.ts";
import { CxrError } from "../../lib/errors.ts";
import {
  comparisonReading,
  dataFacts,
  pairedTests,
  readRun,
  reportRunRoots,
  writeReport,
} from "../../lib/report/mod.ts";
import { fakeRun } from "./_fixtures.ts";

function row(
  path: string,
  label: "NORMAL" | "PNEUMONIA",
  w: number,
  h: number,
  sha: string,
  pid: string,
): ManifestRow {
  return { path, label, officialSplit: "train", patientId: pid, width: w, height: h, sha256: sha };
}

async function withRuns(fn: (root: string) => Promise<void>) {
  const root = await mkdtemp(join(tmpdir(), "cxr-report-"));
  try {
    const runs = join(root, "runs");
    // paper protocol: MobileNetV2 seeds 1 (9/10 right) and 2 (7/10), baseline seed 1 (6/10)
    await fakeRun(join(runs, "paper", "mobilenetv2-seed1"), {
      model: "mobilenetv2",
      split: "paper",
      seed: 1,
      wrong: [0],
    });
    await fakeRun(join(runs, "paper", "mobilenetv2-seed2"), {
      model: "mobilenetv2",
      split: "paper",
      seed: 2,
      wrong: [0, 1, 2],
    });
    await fakeRun(join(runs, "paper", "baseline-seed1"), {
      model: "baseline",
      split: "paper",
      seed: 1,
      wrong: [0, 1, 2, 3],
    });
    // official protocol: one seed, all right, on validation (one image wrong) and on test
    await fakeRun(join(runs, "official", "mobilenetv2-seed1"), {
      model: "mobilenetv2",
      split: "official",
      seed: 1,
      wrong: [0],
      evalName: "val",
    });
    await fakeRun(join(runs, "official", "mobilenetv2-seed1"), {
      model: "mobilenetv2",
      split: "official",
      seed: 1,
      wrong: [],
    });
    // patient run scored only on the official folder: must not count for any protocol
    await fakeRun(join(runs, "patient", "mobilenetv2-seed1"), {
      model: "mobilenetv2",
      split: "patient",
      seed: 1,
      wrong: [],
      evalName: "official-test",
    });
    await fn(root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

Deno.test("writeReport: paper table with mean ± SD, per-run CIs, McNemar, caveats, figures", async () => {
  await withRuns(async (root) => {
    const outDir = join(root, "out");
    const data = dataFacts([
      row("train/NORMAL/a.jpeg", "NORMAL", 224, 224, "h1", "p1"),
      row("train/NORMAL/b.jpeg", "NORMAL", 300, 256, "h1", "p1"),
      row("train/PNEUMONIA/c.jpeg", "PNEUMONIA", 224, 224, "h2", "p2"),
    ]);
    const { path, markdown, runs } = await writeReport({
      runs: [join(root, "runs")],
      outDir,
      data,
      generatedAt: "2026-01-01T00:00:00Z",
    });
    assert.equal(runs.length, 5);
    assert.equal(await readFile(path, "utf8"), markdown);
    const lines = markdown.split("\n");
    const rowOf = (start: string) => lines.find((l) => l.startsWith(start));
    // accuracy: paper 0.9747; ours image-level 0.9, 0.7 -> 0.800 ± 0.141; official 1.000 (the
    // patient run has no evaluation of its own protocol, so no column)
    assert.equal(rowOf("| accuracy |"), "| accuracy | 0.975 | 0.800 ± 0.141 | 1.000 | 0.928 |");
    assert.equal(rowOf("| test images |"), "| test images | 592 | 10 | 10 | 624 |");
    // NORMAL recall: seed 1 misses image 0 (NORMAL) -> 4/5; seed 2 misses 0, 2 -> 3/5: 0.7 ± 0.141
    assert.equal(
      rowOf("| NORMAL recall"),
      "| NORMAL recall (specificity) | 0.940 | 0.700 ± 0.141 | 1.000 | 0.901 |",
    );
    assert.match(
      markdown,
      /ours: image-level 80\/10\/10 \(the paper's\) \(quick smoke run\) \(2 seeds\)/,
    );
    // The answer: 0.8 ± 0.1414 over 2 seeds; t(0.975, 1) = 12.706, half-width
    // 12.706 * 0.1414 / sqrt(2) = 1.271 -> [-0.471, 2.071], which contains 0.9747.
    assert.ok(lines.includes(
      "- **image-level 80/10/10 (the paper's) (quick smoke run)**: test accuracy 0.800 ± 0.141 " +
        "(mean ± SD over n = 2 seeds); the 95% t-interval [-0.471, 2.071] contains the paper's " +
        "0.9747: consistent with it.",
    ));
    assert.match(
      markdown,
      /official 624-image test, validation carved from train\/ \(quick smoke run\)\*\*: test accuracy 1\.000 \(n = 1 seed: no interval/,
    );
    assert.ok(markdown.includes("![Test accuracy per seed](figures/accuracy_per_seed.png)"));
    // McNemar: MobileNetV2 seed 1 right on 1, 2, 3 where the baseline is wrong; never the reverse
    // -> b = 3, c = 0, p = 2 * (1/2)^3 = 0.25
    assert.ok(
      lines.includes(
        "| image-level 80/10/10 (the paper's) (quick smoke run) | 1 | 10 | 3 | 0 | 0.2500 |",
      ),
    );
    assert.match(markdown, /MobileNetV2 accuracy 0\.900 vs 0\.600 .*\+30\.0 points/);
    // the comparison names each model's input size (the baseline's full profile is smaller)
    assert.match(
      markdown,
      /\| image-level 80\/10\/10 \(the paper's\) \(quick smoke run\) \| baseline CNN \(stand-in\) \| 96 px \| 1 \| 0\.600 \|/,
    );
    assert.match(markdown, /do not differ significantly at the 5% level/);
    // data caveats from the counts: 1 of 3 at original resolution, 1 duplicate group
    assert.match(markdown, /Only 1 of 3 images \(33%\)/);
    assert.match(markdown, /1 groups of exact duplicates \(1 extra copies\)/);
    // quick runs (the fixtures' profile) say how they subset the data
    assert.match(markdown, /The `quick` profile trains on a balanced subset of 48 per class/);
    // the MobileNetV2 runs (quick defaults) cached one augmented view per image
    assert.match(
      markdown,
      /augmentViews = 1, .*\(one fixed augmented view per image, reused every epoch\)/,
    );
    // per-run CI rows, one per evaluated run (the patient run has none)
    assert.equal(
      lines.filter((l) => /^\| [a-z].*\| \d+ \| 10 \| /.test(l) && l.includes("[")).length,
      4,
    );
    // figures copied beside the report
    const figs = await readdir(join(outDir, "figures"));
    assert.deepEqual(figs.sort(), [
      "accuracy_per_seed.png",
      "accuracy_per_seed.svg",
      "accuracy_per_seed.vl.json",
      // the chosen official run's rates by threshold, validation beside test
      "official_threshold_ladder_quick.png",
      "official_threshold_ladder_quick.svg",
      "official_threshold_ladder_quick.vl.json",
      "quick_official_mobilenetv2_seed1_confusion_matrix.png",
      "quick_paper_baseline_seed1_confusion_matrix.png",
      "quick_paper_mobilenetv2_seed1_confusion_matrix.png",
    ]);
    assert.ok(markdown.includes("](figures/quick_paper_mobilenetv2_seed1_confusion_matrix.png)"));
    assert.ok(
      markdown.includes(
        "![Rates by threshold, quick](figures/official_threshold_ladder_quick.png)",
      ),
    );
    // only REPORT.md and figures/: no temporary file left by the atomic write
    assert.deepEqual((await readdir(outDir)).sort(), ["REPORT.md", "figures"]);
  });
});

Deno.test("writeReport: no runs still writes a report that says so", async () => {
  const root = await mkdtemp(join(tmpdir(), "cxr-report-"));
  try {
    const { markdown } = await writeReport({ runs: [join(root, "missing")], outDir: root });
    assert.match(markdown, /_No run directories found._/);
    // With no runs of ours, the table holds the two published columns only.
    assert.match(markdown, /\| test images \| 592 \| 624 \|/);
    assert.match(markdown, /_No evaluated MobileNetV2 runs._/);
    assert.match(
      markdown,
      /## The official test: recipes tried \(chosen on validation\)\n\n_No MobileNetV2 run of the official protocol with validation carved from train\/\._\n/,
    );
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

Deno.test("pairedTests: runs scored on different images are refused", async () => {
  await withRuns(async (root) => {
    const a = await readRun(join(root, "runs", "paper", "mobilenetv2-seed1"));
    const b = await readRun(join(root, "runs", "paper", "baseline-seed1"));
    const tests = await pairedTests([a, b]);
    assert.equal(tests.length, 1);
    assert.deepEqual([tests[0].b, tests[0].c], [3, 0]);
    assert.ok(Math.abs(tests[0].pValue - 0.25) < 1e-12);
    assert.match(comparisonReading([a, b], tests), /one seed only/);
    // A different test image set for the baseline.
    const { writePredictionsCsv } = await import("../../lib/metrics/mod.ts");
    await writePredictionsCsv(join(b.evals.test.dir, "predictions.csv"), [{
      path: "other.jpeg",
      label: 0,
      prob: 0.1,
    }]);
    await assert.rejects(pairedTests([a, b]), CxrError);
  });
});

Deno.test("dataFacts: squashed vs original, duplicates, patients, folders", () => {
  const f = dataFacts([
    row("train/NORMAL/a.jpeg", "NORMAL", 224, 224, "x", "p1"),
    row("train/NORMAL/b.jpeg", "NORMAL", 224, 224, "x", "p1"),
    row("train/NORMAL/c.jpeg", "NORMAL", 224, 224, "x", "p2"),
    row("train/PNEUMONIA/d.jpeg", "PNEUMONIA", 256, 311, "y", "p3"),
  ]);
  assert.deepEqual(f, {
    images: 4,
    originalResolution: 1,
    squashed224: 3,
    duplicateGroups: 1,
    duplicateExtras: 2,
    patients: 3,
    personsWithBothTypes: 0,
    perFolder: { train: { NORMAL: 3, PNEUMONIA: 1 } },
  });
  const persons = dataFacts([
    row("train/PNEUMONIA/person5_bacteria_1.jpeg", "PNEUMONIA", 224, 224, "h1", "person5_bacteria"),
    row("test/PNEUMONIA/person5_virus_2.jpeg", "PNEUMONIA", 224, 224, "h2", "person5_virus"),
    row("train/PNEUMONIA/person6_bacteria_3.jpeg", "PNEUMONIA", 224, 224, "h3", "person6_bacteria"),
    row("train/PNEUMONIA/person6_bacteria_4.jpeg", "PNEUMONIA", 224, 224, "h4", "person6_bacteria"),
  ]);
  assert.deepEqual([persons.patients, persons.personsWithBothTypes], [3, 1]);
});

Deno.test("writeReport: runs trained from the frozen-feature cache say augmentation was drawn once", async () => {
  const root = await mkdtemp(join(tmpdir(), "cxr-report-"));
  try {
    const runs = join(root, "runs");
    const mobile = join(runs, "mobilenetv2-seed1");
    await fakeRun(mobile, { model: "mobilenetv2", split: "paper", seed: 1, wrong: [] });
    // This run kept 3 augmented views per image in its cache.
    const config = JSON.parse(await readFile(join(mobile, "config.json"), "utf8"));
    assert.equal(config.cacheFrozenFeatures, true);
    await writeFile(join(mobile, "config.json"), JSON.stringify({ ...config, augmentViews: 3 }));
    // The baseline trains without the cache: augmentation per epoch, as in the paper.
    await fakeRun(join(runs, "baseline-seed1"), {
      model: "baseline",
      split: "paper",
      seed: 1,
      wrong: [],
    });
    const { markdown } = await writeReport({ runs: [runs], outDir: join(root, "out") });
    const section = markdown.split("## Deviations from the paper's training\n\n")[1]
      .split("\n\n## ")[0];
    const items = section.split("\n");
    assert.equal(items.length, 1, section);
    assert.match(items[0], /^- Frozen-feature cache \(`[^`]*mobilenetv2-seed1`\)/);
    assert.match(items[0], /augmentViews = 3, .*drawn once \(3 fixed augmented views per image/);
    assert.match(items[0], /instead of afresh every epoch as in the paper/);
    assert.ok(!section.includes("baseline"), section);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

Deno.test("writeReport: a full-profile run below 224 px or 15 epochs is listed as a reduced setting", async () => {
  const root = await mkdtemp(join(tmpdir(), "cxr-report-"));
  try {
    const runs = join(root, "runs");
    for (const model of ["baseline", "mobilenetv2"] as const) {
      const dir = join(runs, `${model}-seed1`);
      await fakeRun(dir, { model, split: "patient", seed: 1, wrong: [] });
      const config = { ...defaultConfig("full", model), split: "patient", seed: 1 };
      await writeFile(join(dir, "config.json"), JSON.stringify(config));
    }
    const { markdown } = await writeReport({ runs: [runs], outDir: join(root, "out") });
    const items = markdown.split("## Deviations from the paper's training\n\n")[1]
      .split("\n\n## ")[0].split("\n").filter((l) => l.startsWith("- Reduced setting"));
    assert.deepEqual(items.length, 1, items.join("\n"));
    assert.match(items[0], /\(`[^`]*baseline-seed1`\): 96 px input and at most 5 epochs/);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

Deno.test("writeReport: runs of another recipe stay out of the main sections and appear under the recipes tried", async () => {
  const root = await mkdtemp(join(tmpdir(), "cxr-report-"));
  try {
    const runs = join(root, "runs");
    const paper = { model: "mobilenetv2", split: "paper" } as const;
    await fakeRun(join(runs, "paper", "mobilenetv2-seed1"), { ...paper, seed: 1, wrong: [0] });
    // Another recipe on the same protocol: must not be averaged with seed 1 as a second seed.
    await fakeRun(join(runs, "paper-variants", "smooth-seed2"), {
      ...paper,
      seed: 2,
      wrong: [0, 1, 2, 3, 4],
      config: { labelSmoothing: 0.1 },
    });
    const official = join(runs, "official-variants", "border-seed1");
    const border = { model: "mobilenetv2", split: "official", seed: 1 } as const;
    const config = { borderMask: 0.1 };
    await fakeRun(official, { ...border, wrong: [1], evalName: "val", config });
    await fakeRun(official, { ...border, wrong: [], evalName: "test", config });
    const { markdown } = await writeReport({ runs: [runs], outDir: join(root, "out") });
    const section = (title: string) => markdown.split(`## ${title}\n\n`)[1].split("\n\n## ")[0];
    const lines = markdown.split("\n");
    // Only seed 1 (9/10) in the paper table: no official column, no mean with the variant.
    assert.ok(lines.includes("| accuracy | 0.975 | 0.900 | 0.928 |"), markdown);
    assert.match(
      markdown,
      /uses the 1 run of the paper's recipe; the 2 runs of other recipes appear in those two/,
    );
    assert.match(
      section("Does MobileNetV2 reproduce the paper?"),
      /- \*\*image-level 80\/10\/10 \(the paper's\) \(quick smoke run\)\*\*: test accuracy 0\.900 \(n = 1 seed/,
    );
    // One sentence: the official variant is no cohort of the answer.
    assert.equal(
      section("Does MobileNetV2 reproduce the paper?").split("\n").filter((l) => l.startsWith("- "))
        .length,
      1,
    );
    assert.ok(!section("Per run, with bootstrap 95% confidence intervals").includes("0.500"));
    const recipes = section("The official test: recipes tried (chosen on validation)");
    // Validation: image 1 wrong -> accuracy 0.9, AUC 0.9; test all right.
    assert.ok(
      recipes.includes(
        "| borderMask 0.1 | 1 | quick | 0.900 | 0.800 | 1.000 | 0.900 | 1.000 | 1.000 | 1.000 | 1.000 | chosen |",
      ),
      recipes,
    );
    assert.match(recipes, /With test accuracy 1\.000 and ROC AUC 1\.000, it reaches the goal/);
    // Every run is in the run list.
    assert.equal(section("Runs").split("\n").filter((l) => l.startsWith("| `")).length, 3);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

Deno.test("reportRunRoots: the full and fast profiles' run folders, the report's default input", () => {
  assert.deepEqual(reportRunRoots("/w/outputs"), ["/w/outputs/runs/full", "/w/outputs/runs/fast"]);
});
