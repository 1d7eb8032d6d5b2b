import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import { adamW } from "../../lib/optim/mod.ts";
import { imageSource } from "../../lib/train/sources.ts";
import { trainStep } from "../../lib/train/loop.ts";
import { loadLast, readState, type RunState, saveLast } from "../../lib/train/run_dir.ts";
import { tinyImages, tinyModel } from "./_fixtures.ts";

await tf.setBackend("cpu");

const STATE: RunState = {
  format: 1,
  epoch: 3,
  stage: 2,
  stageEpoch: 1,
  finished: false,
  rngState: 123456,
  earlyStopping: { best: 0.9, bestEpoch: 3, wait: 0 },
  checkpoint: { best: 0.9, epoch: 3 },
  history: [],
  featureSeconds: { stage1: 1.5 },
};

Deno.test("saveLast/loadLast: a resumed model and optimizer take the same next step", async () => {
  const dir = join(await Deno.makeTempDir(), "last");
  const { images, examples } = tinyImages(8);
  const batch = imageSource(images, examples)([0, 1, 2, 3, 4, 5, 6, 7]);
  const model = tinyModel();
  const opt = adamW({ learningRate: 0.01 });
  await trainStep(model, opt, batch);
  await saveLast(dir, model, opt, STATE);

  const last = await loadLast(dir);
  assert.ok(last);
  assert.deepEqual(last.state, STATE);
  // The loaded model's variables have other process-unique names; the state must map to them.
  assert.notDeepEqual(last.model.weights.map((w) => w.name), model.weights.map((w) => w.name));
  const resumedOpt = adamW({ learningRate: 0.01 });
  await resumedOpt.setWeights(last.optimizerWeights!);
  assert.equal(resumedOpt.iterations, 1);

  // Dropout masks are random: disable it so both next steps are deterministic and comparable.
  for (const m of [model, last.model]) {
    (m.getLayer("dropout") as unknown as { rate: number }).rate = 0;
  }
  await trainStep(model, opt, batch);
  await trainStep(last.model, resumedOpt, batch);
  for (let i = 0; i < model.weights.length; i++) {
    const a = model.weights[i].read().dataSync(), b = last.model.weights[i].read().dataSync();
    a.forEach((v, k) =>
      assert.ok(
        Math.abs(v - b[k]) < 1e-6,
        `${model.weights[i].originalName}[${k}]: ${v} vs ${b[k]}`,
      )
    );
  }
  tf.dispose([batch.x, batch.y]);
  opt.dispose();
  resumedOpt.dispose();
});

Deno.test("loadLast: null when there is no last/ folder", async () => {
  const root = await Deno.makeTempDir();
  assert.equal(await loadLast(join(root, "none")), null);
  await Deno.remove(root, { recursive: true });
});

Deno.test("readState: older states mark a finished run with stage 3 and have no finished field", () => {
  const { finished: _, ...older } = STATE;
  assert.deepEqual(readState({ ...older, stage: 3 }), { ...STATE, stage: 2, finished: true });
  assert.deepEqual(readState({ ...older, stage: 2 }), { ...STATE, stage: 2, finished: false });
  assert.deepEqual(readState(STATE), STATE);
});
