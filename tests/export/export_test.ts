import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { main } from "../../lib/cli/export.ts";
import { readSplit } from "../../lib/data/mod.ts";
import { CxrError } from "../../lib/errors.ts";
import { exportRun, INTENDED_USE } from "../../lib/export/mod.ts";
import { loadModel } from "../../lib/models/mod.ts";
import { captureLog } from "../cli/_capture.ts";
import { fixture } from "../evaluate/_fixture.ts";

await tf.setBackend("cpu");

Deno.test("exportRun: float32 files load to the same model; card from config and evaluation", async () => {
  const dir = await mkdtemp(join(tmpdir(), "cxr-export-"));
  try {
    const { runDir } = await fixture(dir);
    await Deno.mkdir(join(runDir, "eval-test"));
    await writeFile(
      join(runDir, "eval-test", "metrics.json"),
      JSON.stringify({
        threshold: 0.4,
        accuracy: 0.9,
        roc_auc: 0.95,
        ci: { accuracy: [0.8, 0.97] },
      }),
    );
    const out = join(dir, "web");
    const { files, card } = await exportRun({ runDir, outDir: out, print: () => {} });
    assert.deepEqual(files.map((f) => f.slice(out.length + 1)), [
      "model.json",
      "weights.bin",
      "model-card.json",
    ]);
    assert.deepEqual(JSON.parse(await readFile(join(out, "model-card.json"), "utf8")), card);
    assert.equal(card.intended_use, INTENDED_USE);
    assert.match(card.intended_use, /Research use only\. Not a medical device/);
    assert.equal(card.input.size, 32);
    assert.equal(card.threshold, 0.4);
    assert.equal(card.training.seed, 5);
    assert.equal(card.training.split, "patient");
    assert.deepEqual(card.test_metrics, {
      accuracy: { value: 0.9, ci95: [0.8, 0.97] },
      roc_auc: { value: 0.95 },
    });
    assert.equal(card.weights.dtype, "float32");
    assert.equal(card.weights.bytes, (await stat(join(out, "weights.bin"))).size);
    assert.equal(card.float16_check, undefined);
    const [a, b] = await Promise.all([
      loadModel(join(runDir, "best_mobilenetv2_chestxray")),
      loadModel(out),
    ]);
    a.getWeights().forEach((w, i) => assert.deepEqual(w.dataSync(), b.getWeights()[i].dataSync()));
    a.dispose();
    b.dispose();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

Deno.test("cxr export --float16: half the weights, test split scored by both, bad image skipped", async () => {
  const dir = await mkdtemp(join(tmpdir(), "cxr-export-"));
  try {
    const { root, runDir } = await fixture(dir);
    // One test image truncated: the check scores the 11 others and says so.
    const { test } = await readSplit(join(runDir, "splits"));
    const bad = join(root, test.find((r) => r.label === "PNEUMONIA")!.path); // unique bytes
    await writeFile(bad, (await readFile(bad)).subarray(0, 100));
    const out = join(dir, "web16");
    const log = await captureLog(() =>
      main(["--run-dir", runDir, "--out", out, "--float16", "--backend", "cpu"])
    );
    assert.match(
      log,
      /float16 vs float32 on 11 test images: max \|dp\| \S+, accuracy 1\.0000 -> 1\.0000, 0 decision\(s\) changed/,
    );
    const card = JSON.parse(await readFile(join(out, "model-card.json"), "utf8"));
    assert.equal(card.weights.dtype, "float16");
    assert.equal(card.float16_check.images, 11);
    assert.ok(card.float16_check.max_abs_dprob < 1e-2, `${card.float16_check.max_abs_dprob}`);
    const json = JSON.parse(await readFile(join(out, "model.json"), "utf8"));
    assert.ok(
      json.weightsManifest[0].weights.every((w: { quantization?: { dtype: string } }) =>
        w.quantization?.dtype === "float16"
      ),
    );
    await assert.rejects(
      main(["--run-dir", runDir]),
      (err) =>
        err instanceof CxrError && err.exitCode === 2 && /--out DIR is required/.test(err.message),
    );
    await assert.rejects(
      main(["--run-dir", join(dir, "nowhere"), "--out", out, "--backend", "cpu"]),
      /config\.json not found: run config; pass a run folder written by 'cxr train'/,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
