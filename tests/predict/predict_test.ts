import assert from "node:assert/strict";
import { realDataRoot } from "../_real_data.ts";
import { copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import sharp from "sharp";
import { main } from "../../lib/cli/predict.ts";
import { decodeGray } from "../../lib/data/mod.ts";
import { CxrError } from "../../lib/errors.ts";
import { disposeGradCam } from "../../lib/explain/mod.ts";
import { toModelInput } from "../../lib/models/mod.ts";
import {
  listImages,
  openRun,
  predictImages,
  predictionsCsv,
  runThreshold,
} from "../../lib/predict/mod.ts";
import { parseCsvRecords } from "../../lib/util/csv.ts";
import { captureLog } from "../cli/_capture.ts";
import { fixture } from "../evaluate/_fixture.ts";

await tf.setBackend("cpu");

/** Two real X-rays from the dataset's test folder, a text file named .jpeg, a truncated JPEG. */
async function images(dir: string): Promise<{ real: string[]; text: string; truncated: string }> {
  const root = join(realDataRoot(), "test");
  const real = [
    join(root, "NORMAL", "IM-0001-0001.jpeg"),
    join(root, "PNEUMONIA", "person1_virus_6.jpeg"),
  ];
  const folder = join(dir, "images");
  await Deno.mkdir(join(folder, "sub"), { recursive: true });
  await copyFile(real[0], join(folder, "a.jpeg"));
  await copyFile(real[1], join(folder, "sub", "b.JPG"));
  await writeFile(join(folder, "notes.txt"), "ignored: not an image name");
  const text = join(dir, "text.jpeg");
  await writeFile(text, "this is not an X-ray\n");
  const truncated = join(dir, "truncated.jpeg");
  const bytes = await readFile(real[0]);
  await writeFile(truncated, bytes.subarray(0, Math.floor(bytes.length / 3)));
  return { real, text, truncated };
}

Deno.test("listImages: files as given, folders recursively by extension, sorted", async () => {
  const dir = await mkdtemp(join(tmpdir(), "cxr-predict-"));
  try {
    const { text } = await images(dir);
    const { files, fromFolders } = await listImages([text, join(dir, "images")]);
    assert.deepEqual(files, [
      text,
      join(dir, "images", "a.jpeg"),
      join(dir, "images", "sub", "b.JPG"),
    ]);
    assert.equal(fromFolders, true);
    await assert.rejects(listImages([join(dir, "nope")]), /nope: no such file or folder/);
    await Deno.mkdir(join(dir, "empty"));
    await assert.rejects(listImages([join(dir, "empty")]), /holds no \.jpeg\/\.jpg\/\.png files/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

Deno.test("predictImages: real images scored as training decodes them; bad files skipped", async () => {
  const dir = await mkdtemp(join(tmpdir(), "cxr-predict-"));
  try {
    const { runDir } = await fixture(dir);
    const { real, text, truncated } = await images(dir);
    const run = await openRun(runDir);
    assert.equal(run.threshold, 0.5);
    assert.equal(run.thresholdSource, "default");
    const before = tf.memory().numTensors;
    const cams = join(dir, "cams");
    const result = await predictImages(run.model, [text, real[0], truncated, real[1]], 32, {
      gradcamDir: cams,
      batchSize: 3,
    });
    assert.equal(tf.memory().numTensors, before, "no tensors left behind");
    // Reference: the model's own predict() on the training decode of each file.
    for (const [i, path] of real.entries()) {
      const x = toModelInput([await decodeGray(await readFile(path), 32)], 32, 1);
      const y = run.model.predict(x) as tf.Tensor;
      const expected = (await y.data())[1];
      tf.dispose([x, y]);
      const got = result.predictions[i];
      assert.equal(got.path, path);
      assert.ok(Math.abs(got.prob - expected) < 1e-5, `${path}: ${got.prob} vs ${expected}`);
      assert.equal(got.decision, got.prob >= 0.5 ? "PNEUMONIA" : "NORMAL");
      const meta = await sharp(got.gradcam!).metadata();
      assert.deepEqual([meta.format, meta.width, meta.height], ["png", 32, 32]);
    }
    assert.deepEqual(result.failed.map((f) => f.path), [text, truncated]);
    assert.match(result.failed[0].error, /cannot decode: .*unsupported image format/);
    assert.match(result.failed[1].error, /cannot decode: .*(premature end|truncated)/i);

    const csv = parseCsvRecords(
      predictionsCsv({
        runDir,
        checkpoint: run.modelDir,
        inputSize: 32,
        threshold: 0.5,
        ...result,
      }),
      "predictions.csv",
    );
    assert.deepEqual(csv.map((r) => r.path), [real[0], real[1], text, truncated]);
    assert.equal(Number(csv[1].prob_pneumonia), result.predictions[1].prob);
    assert.equal(csv[2].prob_pneumonia, "");
    assert.match(csv[3].error, /cannot decode/);
    disposeGradCam(run.model);
    run.model.dispose();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

Deno.test("runThreshold: the test evaluation's threshold, checked", async () => {
  const dir = await mkdtemp(join(tmpdir(), "cxr-predict-"));
  try {
    await Deno.mkdir(join(dir, "eval-test"));
    await writeFile(join(dir, "eval-test", "metrics.json"), JSON.stringify({ threshold: 0.31 }));
    assert.deepEqual(await runThreshold(dir), {
      threshold: 0.31,
      source: join(dir, "eval-test", "metrics.json"),
    });
    await writeFile(join(dir, "eval-test", "metrics.json"), JSON.stringify({ threshold: 3 }));
    await assert.rejects(runThreshold(dir), /"threshold" is missing or not in \[0, 1\]/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

Deno.test("cxr predict: table, JSON file, and an error when no file decodes", async () => {
  const dir = await mkdtemp(join(tmpdir(), "cxr-predict-"));
  try {
    const { runDir } = await fixture(dir);
    const { real, text, truncated } = await images(dir);
    const out = join(dir, "p.json");
    const log = await captureLog(() =>
      main(["--run-dir", runDir, "--backend", "cpu", "--out", out, real[0], text])
    );
    assert.match(log, /file\s+p\(PNEUMONIA\)\s+decision \(threshold 0\.5\)/);
    assert.match(log, /IM-0001-0001\.jpeg\s+\d\.\d{4}\s+(NORMAL|PNEUMONIA)/);
    assert.match(log, /skipped 1 file\(s\):\n\s+.*text\.jpeg: cannot decode/);
    const json = JSON.parse(await readFile(out, "utf8"));
    assert.equal(json.input_size, 32);
    assert.equal(json.predictions.length, 1);
    assert.equal(json.failed[0].path, text);
    await assert.rejects(
      captureLog(() => main(["--run-dir", runDir, "--backend", "cpu", text, truncated])),
      (err) =>
        err instanceof CxrError && /none of the 2 file\(s\) could be decoded/.test(err.message),
    );
    await assert.rejects(
      main([real[0]]),
      (err) =>
        err instanceof CxrError && err.exitCode === 2 &&
        /--run-dir DIR is required/.test(err.message),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
