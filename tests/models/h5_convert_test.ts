import assert from "node:assert/strict";
import { CxrError } from "../../lib/errors.ts";
import { convertKerasH5 } from "../../lib/models/mod.ts";
import { kerasH5, type KerasLayer } from "./_keras_h5.ts";

const seq = (n: number, start: number) => Float32Array.from({ length: n }, (_, i) => start + i / 4);
const TOY: KerasLayer[] = [
  { name: "input_1", weights: [] },
  { name: "Conv1", weights: [{ name: "Conv1/kernel", shape: [3, 3, 3, 2], data: seq(54, -5) }] },
  {
    name: "bn_Conv1",
    weights: ["gamma", "beta", "moving_mean", "moving_variance"].map((w, i) => ({
      name: `bn_Conv1/${w}`,
      shape: [2],
      data: seq(2, 10 * i),
    })),
  },
  { name: "Conv1_relu", weights: [] },
];
const EXPECTED = TOY.flatMap((l) => l.weights);

Deno.test("convertKerasH5 reads a Keras-layout file in order, names without ':0'", async () => {
  const weights = await convertKerasH5(await kerasH5(TOY), "toy.h5");
  assert.deepEqual(weights.map((w) => w.name), [
    "Conv1/kernel",
    "bn_Conv1/gamma",
    "bn_Conv1/beta",
    "bn_Conv1/moving_mean",
    "bn_Conv1/moving_variance",
  ]);
  assert.deepEqual(weights, EXPECTED);
  assert.equal(weights[0].data[53], -5 + 53 / 4);
});

Deno.test("convertKerasH5 joins layer_names split into chunks", async () => {
  const weights = await convertKerasH5(await kerasH5(TOY, 3), "toy.h5");
  assert.deepEqual(weights, EXPECTED);
});

Deno.test("convertKerasH5: clear errors for a non-HDF5 or non-Keras file", async () => {
  await assert.rejects(
    convertKerasH5(new TextEncoder().encode("<html>Not Found</html>"), "page.h5"),
    (err: Error) => err instanceof CxrError && /page\.h5 is not an HDF5 file/.test(err.message),
  );
  const { default: h5wasm } = await import("h5wasm");
  const { FS } = await h5wasm.ready;
  const f = new h5wasm.File("/plain.h5", "w");
  f.create_dataset({ name: "x", data: new Float32Array([1]) });
  f.close();
  const plain = FS!.readFile("/plain.h5");
  await assert.rejects(
    convertKerasH5(plain, "plain.h5"),
    /plain\.h5 has no 'layer_names' attribute/,
  );
});
