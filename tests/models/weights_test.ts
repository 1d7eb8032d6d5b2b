import assert from "node:assert/strict";
import { readFile, rm, truncate, writeFile } from "node:fs/promises";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { CxrError } from "../../lib/errors.ts";
import {
  loadImageNetWeights,
  readWeightsArtifact,
  writeWeightsArtifact,
} from "../../lib/models/mod.ts";

await tf.setBackend("cpu");

/** Conv1 (2x2x1x2 kernel, no bias) -> bn_Conv1, named like the Keras model. */
function toyModel(): tf.LayersModel {
  const input = tf.input({ shape: [4, 4, 1] });
  const conv = tf.layers.conv2d({ filters: 2, kernelSize: 2, useBias: false, name: "Conv1" });
  const bn = tf.layers.batchNormalization({ name: "bn_Conv1" });
  return tf.model({ inputs: input, outputs: bn.apply(conv.apply(input)) as tf.SymbolicTensor });
}

const range = (n: number, start: number) => Float32Array.from({ length: n }, (_, i) => start + i);
const TOY = [
  { name: "Conv1/kernel", shape: [2, 2, 1, 2], data: range(8, 1) },
  { name: "bn_Conv1/gamma", shape: [2], data: range(2, 10) },
  { name: "bn_Conv1/beta", shape: [2], data: range(2, 20) },
  { name: "bn_Conv1/moving_mean", shape: [2], data: range(2, 30) },
  { name: "bn_Conv1/moving_variance", shape: [2], data: range(2, 40) },
  { name: "predictions/bias", shape: [3], data: range(3, 50) }, // unused by the toy: ignored
];

async function withArtifact(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await writeWeightsArtifact(dir, TOY);
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function rejectsWith(dir: string, pattern: RegExp): Promise<void> {
  await assert.rejects(loadImageNetWeights(toyModel(), dir), (err: Error) => {
    assert.ok(err instanceof CxrError, String(err));
    assert.match(err.message, pattern);
    return true;
  });
}

Deno.test("writeWeightsArtifact writes the documented layout; loading sets weights by name", async () => {
  await withArtifact(async (dir) => {
    const entries = JSON.parse(await readFile(join(dir, "weights.json"), "utf8"));
    assert.deepEqual(entries[1], {
      name: "bn_Conv1/gamma",
      shape: [2],
      dtype: "float32",
      offset: 32,
    });
    assert.equal((await readFile(join(dir, "weights.bin"))).byteLength, (8 + 8 + 3) * 4);
    assert.deepEqual([...(await readWeightsArtifact(dir)).keys()], TOY.map((t) => t.name));

    const model = toyModel();
    const before = tf.memory().numTensors;
    await loadImageNetWeights(model, dir);
    assert.equal(tf.memory().numTensors, before);
    const values = await Promise.all(model.getWeights().map((w) => w.data()));
    assert.deepEqual(values, TOY.slice(0, 5).map((t) => t.data));
  });
});

Deno.test("loadImageNetWeights: missing folder names the file and the fix", async () => {
  await rejectsWith(
    "/nonexistent/weights",
    /\/nonexistent\/weights\/weights\.json does not exist: run `deno task cxr weights fetch`/,
  );
});

Deno.test("loadImageNetWeights: truncated weights.bin names the tensor", async () => {
  await withArtifact(async (dir) => {
    await truncate(join(dir, "weights.bin"), 40);
    await rejectsWith(
      dir,
      /weights\.bin is 40 bytes but tensor 'bn_Conv1\/beta' needs bytes 40\.\.48: the file is truncated/,
    );
  });
});

Deno.test("loadImageNetWeights: missing tensor and wrong shape name the tensor", async () => {
  await withArtifact(async (dir) => {
    await writeWeightsArtifact(dir, TOY.filter((t) => t.name !== "bn_Conv1/moving_mean"));
    await rejectsWith(dir, /has no tensor 'bn_Conv1\/moving_mean' \(layer 'bn_Conv1'\)/);
    await writeWeightsArtifact(dir, [{
      name: "Conv1/kernel",
      shape: [2, 2, 2, 1],
      data: range(8, 1),
    }, ...TOY.slice(1)]);
    await rejectsWith(dir, /'Conv1\/kernel' has shape \[2,2,2,1\] but the model needs \[2,2,1,2\]/);
    await rm(join(dir, "weights.bin"));
    await rejectsWith(dir, /weights\.bin does not exist/);
    await writeFile(join(dir, "weights.json"), "{oops");
    await rejectsWith(dir, /weights\.json is not valid JSON/);
  });
});
