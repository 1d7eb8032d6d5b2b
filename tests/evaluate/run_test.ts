import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import sharp from "sharp";
import { defaultConfig } from "../../lib/config.ts";
import { type ManifestRow, writeSplit } from "../../lib/data/mod.ts";
import { CxrError } from "../../lib/errors.ts";
import { evaluateRun } from "../../lib/evaluate/mod.ts";
import { readPredictionsCsv } from "../../lib/metrics/mod.ts";
import { saveModel } from "../../lib/models/mod.ts";

await tf.setBackend("cpu");
const SIZE = 32;

/** 64x64 JPEG: dark, with a bright 32x32 square for PNEUMONIA (shifted by `k`). */
function xray(pneumonia: boolean, k: number): Promise<Uint8Array> {
  const px = new Uint8Array(64 * 64);
  for (let i = 0; i < px.length; i++) {
    const [r, c] = [Math.floor(i / 64), i % 64];
    const inSquare = r >= 8 + k && r < 40 + k && c >= 16 && c < 48;
    px[i] = pneumonia && inSquare ? 250 : 5 + ((i * 7) % 11);
  }
  return sharp(px, { raw: { width: 64, height: 64, channels: 1 } }).jpeg({ quality: 95 }).toBuffer()
    .then((b) => new Uint8Array(b));
}

/** Conv "last_conv": channel 0 fires on bright, channel 1 on dark; bright area votes PNEUMONIA. */
function squareModel(): tf.LayersModel {
  const input = tf.input({ shape: [SIZE, SIZE, 3] });
  const k = tf.concat([tf.fill([3, 3, 3, 1], 1 / 27), tf.fill([3, 3, 3, 1], -1 / 27)], 3);
  const conv = tf.layers.conv2d({
    name: "last_conv",
    filters: 2,
    kernelSize: 3,
    padding: "same",
    activation: "relu",
    weights: [k, tf.zeros([2])],
  }).apply(input) as tf.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling2d({}).apply(conv) as tf.SymbolicTensor;
  // logit(PNEUMONIA) - logit(NORMAL) = 20 * (bright - dark) + 15, bright/dark the pooled
  // activations: about 20 * (0.25 - 0.75) + 15 = +5 with the square (a quarter of the image), -5 without.
  const out = tf.layers.dense({
    units: 2,
    activation: "softmax",
    weights: [tf.tensor2d([[-10, 10], [10, -10]]), tf.tensor1d([-7.5, 7.5])],
  }).apply(pooled) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: out });
}

/** Kaggle-layout data root and a run folder (config, splits, history, best checkpoint). */
async function fixture(dir: string): Promise<{ root: string; runDir: string }> {
  const root = join(dir, "chest_xray");
  const runDir = join(dir, "run");
  const rows: Record<string, ManifestRow[]> = { train: [], val: [], test: [] };
  for (const split of ["train", "test"] as const) {
    for (const label of ["NORMAL", "PNEUMONIA"] as const) {
      for (let i = 0; i < (split === "test" ? 6 : 2); i++) {
        const name = label === "NORMAL"
          ? `IM-0${split === "test" ? 1 : 2}0${i}-0001.jpeg`
          : `person${i}${split}_bacteria_${i}.jpeg`;
        const path = `${split}/${label}/${name}`;
        const bytes = await xray(label === "PNEUMONIA", i);
        await mkdir(join(root, split, label), { recursive: true });
        await writeFile(join(root, path), bytes);
        const sha256 = createHash("sha256").update(bytes).digest("hex");
        rows[split].push({
          path,
          label,
          officialSplit: split,
          patientId: name.split(/[-_]/)[0],
          width: 64,
          height: 64,
          sha256,
        });
      }
    }
  }
  await writeSplit(join(runDir, "splits"), {
    train: rows.train.slice(1),
    val: rows.train.slice(0, 1),
    test: rows.test,
  });
  const config = { ...defaultConfig("quick"), inputSize: SIZE, dataRoot: root, seed: 5 };
  await writeFile(join(runDir, "config.json"), JSON.stringify(config));
  const history = [1, 2, 3].map((epoch) => ({
    epoch,
    stage: epoch === 1 ? 1 : 2,
    loss: 1 / epoch,
    accuracy: 0.5 + epoch / 10,
    val_loss: 1.1 / epoch,
    val_accuracy: 0.4 + epoch / 10,
    lr: 1e-4,
    seconds: 1,
    img_per_s: 10,
  }));
  await writeFile(join(runDir, "history.json"), JSON.stringify(history));
  const model = squareModel();
  await saveModel(model, join(runDir, "best_mobilenetv2_chestxray"));
  model.dispose();
  return { root, runDir };
}

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
    // Tiles are 128 px (inputs under 128 px are shown at 128); 2 per row, 4 rows, title 36 px.
    assert.deepEqual([grid.width, grid.height], [150 + 2 * 136, 36 + 4 * 158]);

    const official = await evaluateRun({
      runDir,
      split: "official-test",
      cacheDir: join(dir, "cache"),
      bootstrap: 0,
      gradcamPerOutcome: 0,
      print: () => {},
    });
    assert.equal(official.metrics.n, 12);
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
