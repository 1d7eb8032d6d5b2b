import assert from "node:assert/strict";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { float16Bits, float16Value, toFloat16Weights } from "../../lib/export/mod.ts";
import { loadModel, saveModel } from "../../lib/models/mod.ts";
import { squareModel } from "../explain/_square_model.ts";

await tf.setBackend("cpu");

Deno.test("float16Bits: known encodings, round to nearest even, subnormals, overflow", () => {
  const cases: [number, number][] = [
    [0, 0x0000],
    [-0, 0x8000],
    [1, 0x3c00],
    [-2, 0xc000],
    [65504, 0x7bff],
    [1 / 3, 0x3555],
    [2049, 0x6800], // halfway between 2048 and 2050: to even (2048)
    [2051, 0x6802], // halfway between 2050 and 2052: to even (2052)
    [2 ** -14, 0x0400], // smallest normal
    [2 ** -24, 0x0001], // smallest subnormal
    [2 ** -25, 0x0000], // halfway to 2^-24: to even (0)
    [3 * 2 ** -25, 0x0002], // halfway between 1 and 2 units: to even (2)
    [65520, 0x7c00], // rounds past the largest finite: inf
    [Infinity, 0x7c00],
  ];
  for (const [v, bits] of cases) assert.equal(float16Bits(v), bits, `${v}`);
  assert.ok(Number.isNaN(float16Value(float16Bits(NaN))));
});

Deno.test("float16Value inverts float16Bits on every finite half value", () => {
  for (let b = 0; b < 0x10000; b++) {
    if ((b & 0x7c00) === 0x7c00) continue; // inf and NaN
    assert.equal(float16Bits(float16Value(b)), b, `bits ${b.toString(16)}`);
  }
});

Deno.test("float16 weights: half the bytes, tfjs loads them as the rounded float32 values", async () => {
  const dir = await mkdtemp(join(tmpdir(), "cxr-f16-"));
  try {
    const model = squareModel(16, { vote: 3.3, bias: 0.123 });
    await saveModel(model, join(dir, "f32"));
    await model.save(tf.io.withSaveHandler(async (artifacts) => {
      const data = tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? []);
      const half = toFloat16Weights(artifacts.weightSpecs ?? [], data);
      assert.equal(half.data.byteLength, data.byteLength / 2);
      assert.ok(half.specs.every((s) => s.quantization?.dtype === "float16"));
      await saveModel(model, join(dir, "f16")); // topology, then replace the weights
      await Deno.writeFile(join(dir, "f16", "weights.bin"), new Uint8Array(half.data));
      const json = JSON.parse(await Deno.readTextFile(join(dir, "f16", "model.json")));
      json.weightsManifest[0].weights = half.specs;
      await Deno.writeTextFile(join(dir, "f16", "model.json"), JSON.stringify(json));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }));
    const [s32, s16] = await Promise.all(
      ["f32", "f16"].map((d) => stat(join(dir, d, "weights.bin")).then((s) => s.size)),
    );
    assert.equal(s16 * 2, s32);
    const loaded = await loadModel(join(dir, "f16"));
    for (const [i, w] of model.getWeights().entries()) {
      const expected = Array.from(await w.data(), (v) => float16Value(float16Bits(v)));
      assert.deepEqual(Array.from(await loaded.getWeights()[i].data()), expected);
    }
    model.dispose();
    loaded.dispose();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
