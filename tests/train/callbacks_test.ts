import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import {
  BestCheckpoint,
  CallbackList,
  EarlyStopping,
  EpochEnd,
  EpochLog,
  formatEpoch,
  historyBundle,
  improves,
  NotebookDisplay,
  RestoreBest,
  type TrainCallback,
} from "../../lib/train/callbacks.ts";
import { liveDisplay } from "../../lib/notebook/display.ts";
import { tinyModel } from "./_fixtures.ts";
import type { HistoryRow } from "../../lib/train/history.ts";
import { historyCsv } from "../../lib/train/history.ts";

function row(epoch: number, val_accuracy: number, val_loss = 1): HistoryRow {
  return {
    epoch,
    stage: 1,
    loss: 0.5,
    accuracy: 0.8,
    val_loss,
    val_accuracy,
    lr: 1e-4,
    seconds: 2,
    img_per_s: 10,
  };
}

Deno.test("improves is strict and direction-aware", () => {
  assert.ok(improves("val_accuracy", 0.9, null));
  assert.ok(improves("val_accuracy", 0.91, 0.9));
  assert.ok(!improves("val_accuracy", 0.9, 0.9));
  assert.ok(improves("val_loss", 0.2, 0.3));
  assert.ok(!improves("val_loss", 0.3, 0.2));
  assert.ok(!improves("val_loss", NaN, null));
});

Deno.test("EarlyStopping stops after `patience` epochs without improvement (Keras semantics)", () => {
  const es = new EarlyStopping("val_accuracy", 2);
  assert.equal(es.update(row(1, 0.8)), false);
  assert.equal(es.update(row(2, 0.85)), false);
  assert.equal(es.update(row(3, 0.85)), false); // wait 1
  assert.equal(es.update(row(4, 0.84)), true); // wait 2 >= patience 2, as Keras stops
  assert.deepEqual(es.state, { best: 0.85, bestEpoch: 2, wait: 2 });
  // State survives a JSON round trip (resume).
  const again = new EarlyStopping(
    "val_accuracy",
    2,
    JSON.parse(JSON.stringify({ best: 0.85, bestEpoch: 2, wait: 1 })),
  );
  // The restored wait counts: one more epoch without improvement reaches patience 2.
  assert.equal(again.update(row(4, 0.8)), true);
});

Deno.test("BestCheckpoint only saves on improvement", async () => {
  const dir = await Deno.makeTempDir();
  const saved: number[] = [];
  const ckpt = new BestCheckpoint(`${dir}/best`, "val_accuracy");
  // A stand-in model: only `save` is used (through the models area's saveModel).
  const model = {
    save: (handler: { save: (a: unknown) => Promise<unknown> }) => {
      saved.push(saved.length);
      return handler.save({
        modelTopology: {},
        weightSpecs: [],
        weightData: new ArrayBuffer(0),
        format: "layers-model",
      });
    },
  } as never;
  assert.equal(await ckpt.update(model, row(1, 0.7)), true);
  assert.equal(await ckpt.update(model, row(2, 0.6)), false);
  assert.equal(await ckpt.update(model, row(3, 0.75)), true);
  assert.deepEqual(ckpt.state, { best: 0.75, epoch: 3 });
  assert.equal(saved.length, 2);
  assert.ok((await Deno.stat(`${dir}/best/model.json`)).isFile);
});

Deno.test("history CSV and epoch line", () => {
  const csv = historyCsv([row(1, 0.5), row(2, 0.75)]);
  assert.equal(
    csv,
    "epoch,stage,loss,accuracy,val_loss,val_accuracy,lr,seconds,img_per_s\n" +
      "1,1,0.5,0.8,1,0.5,0.0001,2,10\n2,1,0.5,0.8,1,0.75,0.0001,2,10\n",
  );
  assert.match(
    formatEpoch(row(2, 0.75), 15, "(best)"),
    /^epoch 2\/15 stage 1: .*val_accuracy 0\.7500 .*\(best\)$/,
  );
});

Deno.test("the history table shows once, then updates the same display id", async () => {
  const calls: { bundle: Record<string, string>; options: Record<string, unknown> }[] = [];
  const display = liveDisplay({
    jupyter: {
      display: (bundle, options) =>
        calls.push({ bundle: bundle as Record<string, string>, options: options! }),
    },
  });
  assert.ok(display.available);
  await display.update(historyBundle([row(1, 0.5)], "epoch 1/2"));
  await display.update(historyBundle([row(1, 0.5), row(2, 0.75)], "epoch 2/2"));
  assert.equal(calls.length, 2);
  assert.equal(calls[0].options.update, false);
  assert.equal(calls[1].options.update, true);
  assert.equal(calls[0].options.display_id, calls[1].options.display_id);
  assert.match(calls[1].bundle["text/html"], /<td>0\.7500<\/td>/);
  assert.equal(liveDisplay().available, false); // not inside a kernel
});

const BEGIN = { epoch: 2, stage: 1, totalEpochs: 5, examples: 16, label: "epoch 2/5 stage 1" };

Deno.test("CallbackList calls every callback in order, skipping null entries", async () => {
  const calls: string[] = [];
  const named = (name: string): TrainCallback => ({
    onEpochBegin: (b) => void calls.push(`${name} begin ${b.epoch}`),
    onBatchEnd: (n, done) => void calls.push(`${name} batch ${n} ${done}`),
    onEpochEnd: async (end) => {
      await Promise.resolve();
      calls.push(`${name} end ${end.row.epoch} ${end.stop}`);
      end.stop = true;
    },
  });
  const list = new CallbackList([named("a"), null, {}, named("b")]);
  await list.onEpochBegin(BEGIN);
  list.onBatchEnd(8, 8);
  await list.onEpochEnd(new EpochEnd(row(2, 0.5), false));
  assert.deepEqual(calls, [
    "a begin 2",
    "b begin 2",
    "a batch 8 8",
    "b batch 8 8",
    "a end 2 false",
    "b end 2 true", // b sees what a decided
  ]);
});

Deno.test("EpochEnd: the stage is over when stopped or at its last epoch", () => {
  const end = new EpochEnd(row(1, 0.5), false);
  assert.equal(end.stageOver, false);
  end.stop = true;
  assert.equal(end.stageOver, true);
  assert.equal(new EpochEnd(row(1, 0.5), true).stageOver, true);
});

Deno.test("EarlyStopping as a callback stops the stage and says why in the epoch's notes", () => {
  const es = new EarlyStopping("val_loss", 1);
  const first = new EpochEnd(row(1, 0.5, 0.4), false);
  es.onEpochEnd(first);
  assert.equal(first.stop, false);
  const second = new EpochEnd(row(2, 0.5, 0.41), false);
  es.onEpochEnd(second);
  assert.equal(second.stop, true);
  assert.deepEqual(second.notes, ["(early stop: no val_loss improvement in 1 epochs)"]);
});

Deno.test("BestCheckpoint and RestoreBest: the best epoch's weights are back at the stage's end", async () => {
  await tf.setBackend("cpu");
  const dir = await Deno.makeTempDir();
  const model = tinyModel();
  const ckpt = new BestCheckpoint(`${dir}/best`, "val_accuracy", undefined, model);
  const callbacks = new CallbackList([ckpt, new RestoreBest(model, ckpt)]);
  const best = model.getWeights().map((w) => w.arraySync());
  const first = new EpochEnd(row(1, 0.8), false);
  await callbacks.onEpochEnd(first);
  assert.deepEqual(first.notes, ["(best, saved)"]);
  // A worse epoch changes the weights; its stage ends, so the best ones come back.
  model.setWeights(model.getWeights().map((w) => tf.tidy(() => w.add(1))));
  const second = new EpochEnd(row(2, 0.7), true);
  await callbacks.onEpochEnd(second);
  assert.deepEqual(second.notes, ["(restored best weights of epoch 1)"]);
  assert.deepEqual(model.getWeights().map((w) => w.arraySync()), best);
  // A stage whose last epoch is the best keeps its weights, with nothing to restore.
  const third = new EpochEnd(row(3, 0.9), true);
  await callbacks.onEpochEnd(third);
  assert.deepEqual(third.notes, ["(best, saved)"]);
  model.dispose();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("EpochLog writes the epoch line with the notes; NotebookDisplay redraws the history", async () => {
  const lines: string[] = [];
  const statuses: string[] = [];
  const history = [row(1, 0.5), row(2, 0.75)];
  const display = liveDisplay({
    jupyter: {
      display: (bundle) => statuses.push((bundle as Record<string, string>)["text/plain"]),
    },
  });
  const list = new CallbackList([
    new EpochLog((line) => void lines.push(line)),
    new NotebookDisplay(display, () => history, 0),
  ]);
  await list.onEpochBegin(BEGIN);
  await new Promise((r) => setTimeout(r, 2));
  list.onBatchEnd(8, 8);
  const end = new EpochEnd(row(2, 0.75), false);
  end.notes.push("(best, saved)", "(x)");
  await list.onEpochEnd(end);
  assert.deepEqual(lines, [formatEpoch(row(2, 0.75), 5, "(best, saved) (x)")]);
  assert.deepEqual(statuses, ["epoch 2/5 stage 1: 8/16 images", "epoch 2/5, stage 1"]);
  // Outside a kernel the table is not printed (the log line says it all).
  const quiet = new NotebookDisplay(liveDisplay(), () => history, 0);
  const printed: unknown[] = [];
  const log = console.log;
  console.log = (...args: unknown[]) => void printed.push(...args);
  try {
    quiet.onEpochBegin(BEGIN);
    quiet.onBatchEnd(8, 8);
    await quiet.onEpochEnd(end);
  } finally {
    console.log = log;
  }
  assert.deepEqual(printed, []);
});
