import assert from "node:assert/strict";
import { cp, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { formatTop5Table, verifyImageNetWeights } from "../../lib/models/imagenet_check.ts";
import { realWeightsDir } from "../_real_data.ts";

// wasm is ~8x faster than cpu here and agrees with it within 1e-4 on these photos.
await tf.setBackend("wasm");

Deno.test("the ImageNet weights give the recorded top-5 on the 4 test photos", async () => {
  const before = tf.memory().numTensors;
  const checks = await verifyImageNetWeights(realWeightsDir());
  assert.equal(tf.memory().numTensors, before);
  assert.deepEqual(checks.map((c) => c.image), ["chelsea", "coffee", "astronaut", "grace_hopper"]);
  for (const c of checks) {
    assert.deepEqual(c.actual.map(([cls]) => cls), c.expected.map(([cls]) => cls), c.image);
    assert.ok(c.maxProbDiff <= 1e-3, `${c.image}: ${c.maxProbDiff}`);
    assert.ok(c.ok);
  }
  assert.equal(checks[1].actual[0][0], "espresso");
  const table = formatTop5Table(checks);
  assert.match(table, /^coffee +espresso 0\.96\d, cup 0\.008/m);
  assert.equal(table.split("\n").length, 2 + 4);
});

Deno.test("verifyImageNetWeights flags a photo whose expected top-5 differs", async () => {
  const dir = await Deno.makeTempDir();
  await cp(join(realWeightsDir(), "testimages", "coffee.rgb224"), join(dir, "coffee.rgb224"));
  const expected = JSON.parse(
    await readFile(join(realWeightsDir(), "testimages", "expected_top5.json"), "utf8"),
  );
  expected.coffee[0][1] += 0.01; // probability off by more than the tolerance
  await writeFile(join(dir, "expected_top5.json"), JSON.stringify({ coffee: expected.coffee }));
  const [check] = await verifyImageNetWeights(realWeightsDir(), { testImagesDir: dir });
  assert.equal(check.ok, false);
  assert.ok(Math.abs(check.maxProbDiff - 0.01) < 1e-3);
  assert.match(formatTop5Table([check]), /FAIL \(expected espresso 0\.97/);
  await Deno.remove(dir, { recursive: true });
});
