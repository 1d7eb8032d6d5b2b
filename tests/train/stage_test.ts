import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { defaultConfig } from "../../lib/config.ts";
import { splitAt } from "../../lib/models/mod.ts";
import { adamW } from "../../lib/optim/mod.ts";
import { CallbackList, type EpochEnd } from "../../lib/train/callbacks.ts";
import { inferenceForward } from "../../lib/train/loop.ts";
import { initialState } from "../../lib/train/run_dir.ts";
import { imageSource } from "../../lib/train/sources.ts";
import {
  planStages,
  remainingStages,
  runStage,
  type StagePlan,
  type StageSources,
} from "../../lib/train/stage.ts";
import { Rng } from "../../lib/util/rng.ts";
import { tinyImages, tinyModel } from "./_fixtures.ts";

await tf.setBackend("cpu");

const PLAN: StagePlan = { stage: 2, epochs: 4, learningRate: 0.05, cut: "front_relu" };

/** Runs PLAN on the tiny model from `done`, with `stopAt` set by a callback; returns the rows. */
async function run(done: { epoch: number; stageEpoch: number }, stopAt?: number) {
  const model = tinyModel();
  const { frozen, trainable } = splitAt(model, "front_relu");
  const { images, examples } = tinyImages(16);
  const forward = inferenceForward(frozen);
  const sourceEpochs: number[] = [];
  const train = imageSource(images, examples, { frozen: forward });
  const sources: StageSources = {
    train: (e) => (sourceEpochs.push(e), train),
    val: imageSource(images, examples, { frozen: forward }),
    dispose: () => {},
  };
  const optimizer = adamW({ learningRate: PLAN.learningRate, weightDecay: 0 });
  const ends: EpochEnd[] = [];
  let batches = 0;
  const callbacks = new CallbackList([{
    onBatchEnd: () => void batches++,
    onEpochEnd: (end) => {
      if (end.row.epoch === stopAt) end.stop = true;
      ends.push(end);
    },
  }]);
  const before = tf.memory().numTensors;
  await runStage({
    plan: PLAN,
    trainable,
    optimizer,
    sources,
    rng: new Rng(1),
    examples: { train: 16, val: 16 },
    batchSize: 8,
    trainBatchNorm: false,
    done,
    totalEpochs: 7,
  }, callbacks);
  const leaked = tf.memory().numTensors - before;
  optimizer.dispose();
  model.dispose();
  return { ends, batches, sourceEpochs, leaked };
}

Deno.test("runStage trains the stage's remaining epochs, numbered after those done", async () => {
  const { ends, batches, sourceEpochs } = await run({ epoch: 4, stageEpoch: 1 });
  assert.deepEqual(ends.map((e) => e.row.epoch), [5, 6, 7]);
  assert.deepEqual(ends.map((e) => e.lastOfStage), [false, false, true]);
  assert.deepEqual(sourceEpochs, [1, 2, 3]);
  assert.equal(batches, 3 * 2);
  for (const { row } of ends) {
    assert.equal(row.stage, 2);
    assert.equal(row.lr, 0.05);
    assert.ok(row.val_accuracy >= 0 && row.val_accuracy <= 1);
  }
  // The tiny classes are separable: the loss falls over the stage.
  assert.ok(ends[2].row.loss < ends[0].row.loss, ends.map((e) => e.row.loss).join(" "));
});

Deno.test("runStage ends the stage after the epoch a callback stops, without leaking tensors", async () => {
  const { ends, leaked } = await run({ epoch: 0, stageEpoch: 0 }, 2);
  assert.deepEqual(ends.map((e) => e.row.epoch), [1, 2]);
  assert.equal(ends[1].stageOver, true);
  // The optimizer's slots are the only tensors the stage may leave behind.
  assert.ok(leaked >= 0);
});

Deno.test("planStages: the baseline trains everything in one stage", () => {
  const config = { ...defaultConfig("quick"), model: "baseline" as const };
  const stages = planStages(config, tinyModel());
  assert.deepEqual(stages, [{
    stage: 1,
    epochs: config.stage1Epochs,
    learningRate: config.stage1LearningRate,
    cut: null,
  }]);
});

Deno.test("remainingStages: from the state's stage on, skipping empty stages; none once finished", () => {
  const stages: StagePlan[] = [
    { stage: 1, epochs: 2, learningRate: 1e-3, cut: "a" },
    { stage: 2, epochs: 3, learningRate: 1e-4, cut: "b" },
  ];
  const state = initialState(1);
  assert.deepEqual(remainingStages(stages, state).map((s) => s.stage), [1, 2]);
  assert.deepEqual(remainingStages(stages, { ...state, stage: 2 }).map((s) => s.stage), [2]);
  const noStage2 = [stages[0], { ...stages[1], epochs: 0 }];
  assert.deepEqual(remainingStages(noStage2, { ...state, stage: 2 }), []);
  assert.deepEqual(remainingStages(stages, { ...state, finished: true }), []);
});
