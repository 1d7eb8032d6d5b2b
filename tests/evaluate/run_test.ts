import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import sharp from "sharp";
import { CxrError } from "../../lib/errors.ts";
import { evaluateRun } from "../../lib/evaluate/mod.ts";
import { readPredictionsCsv } from "../../lib/metrics/mod.ts";
import { fixture } from "./_fixture.ts";

await tf.setBackend("cpu");

Deno.test("evaluateRun: predictions, metrics, report, figures and Grad-CAM grid of a run", async () => {
  const dir = await mkdtemp(join(tmpdir(), "cxr-eval-"));
  try {
    const { runDir } = await fixture(dir);
    const before = tf.memory().numTensors;
    const lines: string[] = [];
    const result = await evaluateRun({
      runDir,
      cacheDir: join(dir, "cache"),
      bootstrap: 50,
      gradcamPerOutcome: 2,
      print: (l) => lines.push(l),
    });
    assert.equal(tf.memory().numTensors, before, "no tensors left behind");
    const out = join(runDir, "eval-test");
    assert.equal(result.outDir, out);

    const predictions = await readPredictionsCsv(join(out, "predictions.csv"));
    assert.equal(predictions.length, 12);
    for (const p of predictions) {
      assert.equal(p.prob >= 0.5 ? 1 : 0, p.label, `${p.path}: ${p.prob}`);
    }

    const metrics = JSON.parse(await readFile(join(out, "metrics.json"), "utf8"));
    assert.equal(metrics.n, 12);
    assert.deepEqual(metrics.confusion_matrix, [[6, 0], [0, 6]]);
    assert.equal(metrics.accuracy, 1);
    assert.equal(metrics.roc_auc, 1);
    assert.deepEqual(metrics.ci.accuracy, [1, 1]);
    assert.equal(metrics.split, "test");
    assert.equal(metrics.reliability.length, 10);

    const report = await readFile(join(out, "report.md"), "utf8");
    assert.match(report, /Accuracy 100\.0%/);
    assert.match(report, /!\[confusion_matrix\]\(confusion_matrix\.png\)/);
    for (
      const fig of [
        "training_curves",
        "confusion_matrix",
        "roc",
        "pr",
        "reliability",
        "class_balance",
      ]
    ) {
      for (const ext of [".vl.json", ".svg", ".png"]) {
        assert.ok((await readFile(join(out, fig + ext))).length > 100, fig + ext);
      }
    }
    const grid = await sharp(await readFile(join(out, "gradcam_grid.png"))).metadata();
    // Tiles are 128 px (inputs under 128 px are shown at 128); 2 per row, 4 rows, title 36 px;
    // two caption lines (p, then patient id): 22 + 15 px.
    assert.deepEqual([grid.width, grid.height], [150 + 2 * 136, 36 + 4 * (128 + 37 + 8)]);

    const official = await evaluateRun({
      runDir,
      split: "official-test",
      cacheDir: join(dir, "cache"),
      bootstrap: 0,
      gradcamPerOutcome: 0,
      tuneOnVal: true,
      print: () => {},
    });
    assert.equal(official.metrics.n, 12);
    const tuned =
      JSON.parse(await readFile(join(runDir, "eval-official-test", "metrics.json"), "utf8"))
        .val_youden;
    // Chosen on val (one image per class): the PNEUMONIA image's own score, well above 0.5.
    assert.ok(tuned.threshold > 0.5 && tuned.threshold < 1, `threshold ${tuned.threshold}`);
    assert.equal(tuned.specificity, 1);
    assert.match(
      await readFile(join(runDir, "eval-official-test", "report.md"), "utf8"),
      /\| Youden J chosen on validation \| 0\.\d{4} \|/,
    );
    assert.equal(official.metrics.ci, undefined);
    const balance = JSON.parse(
      await readFile(join(runDir, "eval-official-test", "class_balance.vl.json"), "utf8"),
    );
    assert.deepEqual(
      balance.data.values.filter((v: { split: string }) => v.split === "official test").map((
        v: { count: number },
      ) => v.count),
      [6, 6],
    );
  } finally {
    await rm(dir, { recursive: true });
  }
});

Deno.test("evaluateRun: a run without a checkpoint is a CxrError naming the fix", async () => {
  const dir = await mkdtemp(join(tmpdir(), "cxr-eval-"));
  try {
    const { runDir } = await fixture(dir);
    await rm(join(runDir, "best_mobilenetv2_chestxray"), { recursive: true });
    await assert.rejects(evaluateRun({ runDir, print: () => {} }), (e: unknown) => {
      assert.ok(e instanceof CxrError);
      assert.match(e.message, /no best checkpoint .* deno task cxr train --run-dir/);
      return true;
    });
  } finally {
    await rm(dir, { recursive: true });
  }
});

Deno.test("evaluateRun: official-test counts the unreadable images it leaves out, with reasons", async () => {
  const dir = await mkdtemp(join(tmpdir(), "cxr-eval-"));
  try {
    const { root, runDir } = await fixture(dir);
    // Two files of the Kaggle test folder that are not images: the scan leaves them out.
    await writeFile(join(root, "test", "NORMAL", "IM-0999-0001.jpeg"), "not a jpeg");
    await writeFile(join(root, "test", "PNEUMONIA", "person99_virus_9.jpeg"), new Uint8Array(0));
    const lines: string[] = [];
    await evaluateRun({
      runDir,
      split: "official-test",
      cacheDir: join(dir, "cache"),
      bootstrap: 0,
      gradcamPerOutcome: 0,
      print: (l) => lines.push(l),
    });
    const line = lines.find((l) => l.startsWith("evaluating"))!;
    assert.match(
      line,
      /on 12 official-test images at 32px; 2 left out \(1 empty file \(0 bytes\), 1 not a readable image\), listed in eval-official-test\/skipped\.csv$/,
    );
    const out = join(runDir, "eval-official-test");
    const metrics = JSON.parse(await readFile(join(out, "metrics.json"), "utf8"));
    assert.equal(metrics.n, 12);
    assert.equal(metrics.skipped, 2);
    assert.equal(metrics.skipped_reasons, "1 empty file (0 bytes), 1 not a readable image");
    const skipped = (await readFile(join(out, "skipped.csv"), "utf8")).trim().split("\n");
    assert.equal(skipped.length, 3);
    assert.equal(skipped[0], "path,reason");
    assert.match(skipped[1], /^test\/NORMAL\/IM-0999-0001\.jpeg,not a readable image/);
    assert.equal(skipped[2], "test/PNEUMONIA/person99_virus_9.jpeg,empty file (0 bytes)");
    assert.match(await readFile(join(out, "report.md"), "utf8"), /images: 12 \(2 left out: /);
  } finally {
    await rm(dir, { recursive: true });
  }
});

Deno.test("evaluateRun: a missing split file names the command that makes it again", async () => {
  const dir = await mkdtemp(join(tmpdir(), "cxr-eval-"));
  try {
    const { runDir } = await fixture(dir);
    await rm(join(runDir, "splits", "val.csv"));
    await assert.rejects(
      evaluateRun({ runDir, print: () => {} }),
      (e: unknown) =>
        e instanceof CxrError &&
        e.message ===
          `split file ${join(runDir, "splits", "val.csv")} is missing (a split has train.csv, ` +
            `val.csv and test.csv); rerun the run's 'deno task cxr train --run-dir ${runDir}' ` +
            "command: it makes the split again from the run's seed (and checks it against its " +
            "checkpoint)",
    );
  } finally {
    await rm(dir, { recursive: true });
  }
});

Deno.test("evaluateRun: an evaluated split without one class is an error, not a perfect score", async () => {
  const dir = await mkdtemp(join(tmpdir(), "cxr-eval-"));
  try {
    const { root, runDir } = await fixture(dir);
    await rm(join(root, "test", "PNEUMONIA"), { recursive: true });
    await assert.rejects(
      evaluateRun({
        runDir,
        split: "official-test",
        cacheDir: join(dir, "cache"),
        print: () => {},
      }),
      /the official-test side of the evaluated images under .* has no PNEUMONIA images \(only 6 NORMAL\); both classes are needed/,
    );
  } finally {
    await rm(dir, { recursive: true });
  }
});

Deno.test("evaluateRun: the config's threshold rule is chosen on validation; tta and border mask recorded", async () => {
  const dir = await mkdtemp(join(tmpdir(), "cxr-eval-"));
  try {
    const { runDir } = await fixture(dir);
    const configPath = join(runDir, "config.json");
    const config = JSON.parse(await readFile(configPath, "utf8"));
    await writeFile(
      configPath,
      JSON.stringify({ ...config, threshold: "sens95", tta: "flip", borderMask: 0.1 }),
    );
    const result = await evaluateRun({
      runDir,
      cacheDir: join(dir, "cache"),
      bootstrap: 0,
      gradcamPerOutcome: 0,
      print: () => {},
    });
    const metrics = JSON.parse(await readFile(join(result.outDir, "metrics.json"), "utf8"));
    // Validation holds one image of each class: sens95 keeps the PNEUMONIA one, so the threshold
    // is its probability (the highest one reaching sensitivity 1).
    const val = await evaluateRun({
      runDir,
      split: "val",
      cacheDir: join(dir, "cache"),
      bootstrap: 0,
      gradcamPerOutcome: 0,
      threshold: 0.5,
      print: () => {},
    });
    const pneumonia = val.predictions.find((r) => r.label === 1)!.prob;
    assert.equal(metrics.operating_point.rule, "sens95");
    assert.equal(metrics.operating_point.chosenOn, "val");
    assert.equal(metrics.operating_point.valImages, 2);
    assert.ok(Math.abs(metrics.operating_point.threshold - pneumonia) < 1e-6);
    assert.equal(metrics.threshold, metrics.operating_point.threshold);
    assert.equal(metrics.tta, "flip");
    assert.equal(metrics.border_mask, 0.1);
    // A threshold passed by the caller wins over the rule.
    const given = JSON.parse(await readFile(join(val.outDir, "metrics.json"), "utf8"));
    assert.deepEqual(given.operating_point, {
      rule: "given",
      threshold: 0.5,
      chosenOn: "given",
      valImages: 0,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
