import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { CxrError } from "../../lib/errors.ts";
import { toModelInput } from "../../lib/models/mod.ts";

await tf.setBackend("cpu");

Deno.test("toModelInput maps uint8 gray to x/127.5-1 on 3 channels", async () => {
  const a = Uint8Array.from([0, 255, 51, 204]);
  const b = Uint8Array.from([127, 128, 1, 254]);
  const x = toModelInput([a, b], 2, 2);
  assert.deepEqual(x.shape, [2, 2, 2, 3]);
  assert.equal(x.dtype, "float32");
  const v = await x.data();
  const expect = [0, 255, 51, 204, 127, 128, 1, 254].flatMap((p) =>
    [p, p, p].map((q) => q / 127.5 - 1)
  );
  assert.deepEqual([...v], [...Float32Array.from(expect)]);
  assert.equal(v[0], -1);
  assert.equal(v[3], 1);
  assert.ok(Math.abs(v[6] - -0.6) < 1e-6);
  // One buffer holding both images back to back gives the same tensor.
  const y = toModelInput(Uint8Array.from([...a, ...b]), 2, 2);
  assert.deepEqual(await y.data(), v);
  tf.dispose([x, y]);
});

Deno.test("toModelInput rejects wrong sizes and counts", () => {
  assert.throws(() => toModelInput([new Uint8Array(3)], 2, 1), CxrError);
  assert.throws(() => toModelInput([new Uint8Array(4)], 2, 2), /got 1 images, expected 2/);
});
