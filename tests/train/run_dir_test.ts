import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { createHash } from "node:crypto";
import { mkdir, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { CxrError } from "../../lib/errors.ts";
import type { HistoryRow } from "../../lib/train/history.ts";
import { replaceDir } from "../../lib/util/atomic.ts";
import { adamW } from "../../lib/optim/mod.ts";
import { imageSource } from "../../lib/train/sources.ts";
import { trainStep } from "../../lib/train/loop.ts";
import {
  clearRun,
  loadLast,
  readRunConfig,
  readState,
  type RunState,
  saveLast,
} from "../../lib/train/run_dir.ts";
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

/** A run folder with two saved checkpoints (`last/` after epoch 4, `last.prev/` after 3). */
async function twoCheckpoints(): Promise<{ runDir: string; last: string; model: tf.LayersModel }> {
  const runDir = await Deno.makeTempDir();
  await mkdir(join(runDir, "splits"));
  for (const s of ["train", "val", "test"]) {
    await writeFile(join(runDir, "splits", `${s}.csv`), `path,label\n${s}.png,NORMAL\n`);
  }
  const last = join(runDir, "last");
  const { images, examples } = tinyImages(8);
  const batch = imageSource(images, examples)([0, 1, 2, 3, 4, 5, 6, 7]);
  const model = tinyModel();
  const opt = adamW({ learningRate: 0.01 });
  await trainStep(model, opt, batch);
  await saveLast(last, model, opt, { ...STATE, epoch: 3, history: HISTORY.slice(0, 3) });
  await trainStep(model, opt, batch);
  await saveLast(last, model, opt, { ...STATE, epoch: 4, history: HISTORY });
  tf.dispose([batch.x, batch.y]);
  opt.dispose();
  return { runDir, last, model };
}

const HISTORY: HistoryRow[] = [1, 2, 3, 4].map((epoch) => ({
  epoch,
  stage: 1 as const,
  loss: 0.5,
  accuracy: 0.5,
  val_loss: 0.5,
  val_accuracy: 0.5,
  lr: 0.001,
  seconds: 1,
  img_per_s: 8,
}));

/** The CxrError message `loadLast(last)` rejects with. */
async function resumeError(last: string): Promise<string> {
  const err = await loadLast(last).then(() => null, (e) => e);
  assert.ok(err instanceof CxrError, `expected a CxrError, got ${err}`);
  return err.message;
}

Deno.test("saveLast: state.json records sha256 and size of every file resuming reads; the previous checkpoint is kept", async () => {
  const { runDir, last, model } = await twoCheckpoints();
  const state = JSON.parse(await readFile(join(last, "state.json"), "utf8"));
  assert.deepEqual(Object.keys(state.files).sort(), [
    "../splits/test.csv",
    "../splits/train.csv",
    "../splits/val.csv",
    "model.json",
    "optimizer.bin",
    "optimizer.json",
    "weights.bin",
  ]);
  const weights = await readFile(join(last, "weights.bin"));
  assert.equal(state.files["weights.bin"].size, weights.length);
  assert.equal(
    state.files["weights.bin"].sha256,
    createHash("sha256").update(weights).digest("hex"),
  );
  assert.equal(JSON.parse(await readFile(join(last + ".prev", "state.json"), "utf8")).epoch, 3);
  assert.deepEqual((await readdir(runDir)).sort(), ["last", "last.prev", "splits"]);
  const loaded = await loadLast(last);
  assert.equal(loaded!.state.epoch, 4);
  assert.equal("files" in loaded!.state, false, "the checksums are not part of the run state");
  model.dispose();
});

Deno.test("loadLast: each damaged file is named, with the intact previous checkpoint as the fix", async () => {
  const cases: [string, (path: string) => Promise<void>, RegExp][] = [
    ["weights.bin", randomSameSize, /weights\.bin does not match the sha256 .*state\.json records/],
    ["optimizer.bin", truncate, /optimizer\.bin is \d+ bytes but .*state\.json records \d+/],
    ["optimizer.json", truncate, /optimizer\.json is \d+ bytes but/],
    ["model.json", truncate, /model\.json is \d+ bytes but/],
    ["state.json", (p) => writeFile(p, "{}"), /state\.json is not a run state/],
    ["state.json", truncate, /state\.json is unreadable \(.*JSON/],
  ];
  for (const [file, damage, expected] of cases) {
    const { last, model } = await twoCheckpoints();
    model.dispose();
    await damage(join(last, file));
    const message = await resumeError(last);
    assert.match(message, expected, file);
    assert.ok(
      message.includes(
        `the previous checkpoint ${last}.prev (after epoch 3) is intact: delete ${last} to resume from it`,
      ),
      message,
    );
    // The fix works: without last/, the previous checkpoint is resumed.
    await rm(last, { recursive: true });
    const prev = await loadLast(last);
    assert.equal(prev!.state.epoch, 3);
    prev!.model.dispose();
  }
});

Deno.test("loadLast: with no intact previous checkpoint the fix is --restart", async () => {
  const { last, model } = await twoCheckpoints();
  model.dispose();
  await randomSameSize(join(last, "weights.bin"));
  await truncate(join(`${last}.prev`, "optimizer.bin"));
  assert.match(await resumeError(last), /damaged; rerun with --restart to start the run over$/);
  // The split files are shared by every checkpoint: no previous one can help.
  const other = await twoCheckpoints();
  other.model.dispose();
  await truncate(join(other.runDir, "splits", "val.csv"));
  assert.match(
    await resumeError(other.last),
    /splits\/val\.csv is \d+ bytes but .*records \d+: the file is damaged; rerun with --restart/,
  );
});

Deno.test("loadLast: a state from before checksums were recorded loads unverified; damage still gets a clear error", async () => {
  const { last, model } = await twoCheckpoints();
  model.dispose();
  const path = join(last, "state.json");
  const { files: _files, ...older } = JSON.parse(await readFile(path, "utf8"));
  await writeFile(path, JSON.stringify(older));
  const loaded = await loadLast(last);
  assert.equal(loaded!.state.epoch, 4);
  loaded!.model.dispose();
  tf.dispose(loaded!.optimizerWeights!.map((w) => w.tensor));
  await truncate(join(last, "optimizer.bin"));
  assert.match(
    await resumeError(last),
    /optimizer\.bin is \d+ bytes but .*optimizer\.json needs \d+/,
  );
  await truncate(join(last, "weights.bin"));
  assert.match(await resumeError(last), /weights of .*model\.json are \d+ bytes, \d+ expected/);
  await truncate(join(last, "optimizer.json"));
  await writeFile(join(last, "weights.bin"), await readFile(join(`${last}.prev`, "weights.bin")));
  assert.match(await resumeError(last), /optimizer\.json is unreadable/);
});

Deno.test("readRunConfig: a damaged config.json is named with the fix", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "config.json");
  await writeFile(path, '{"model": "mobilenetv2", "inputSi');
  await assert.rejects(
    readRunConfig(path),
    (e) =>
      e instanceof CxrError && e.message.startsWith(`${path} is unreadable`) &&
      e.message.endsWith("rerun with --restart to start over"),
  );
  await writeFile(path, "{}");
  await assert.rejects(readRunConfig(path), /does not hold a run config/);
});

Deno.test("clearRun: removes what a run wrote and nothing else; replaceDir: a failed write leaves no temp folder", async () => {
  const dir = await Deno.makeTempDir();
  for (const n of ["last", "last.prev", "best_mobilenetv2_chestxray", "splits", "eval-test"]) {
    await mkdir(join(dir, n));
  }
  for (const n of ["config.json", "history.csv", "history.json", "train.log", "notes.md"]) {
    await writeFile(join(dir, n), "x");
  }
  const lines: string[] = [];
  await clearRun(dir, (l) => lines.push(l));
  assert.deepEqual(await readdir(dir), ["notes.md"]);
  assert.match(lines[0], /^restart: removed best_mobilenetv2_chestxray, config\.json, eval-test/);
  await assert.rejects(
    replaceDir(join(dir, "best"), () => Promise.reject(new Error("ENOSPC"))),
    /ENOSPC/,
  );
  assert.deepEqual(await readdir(dir), ["notes.md"]);
});

async function truncate(path: string): Promise<void> {
  const bytes = await readFile(path);
  await writeFile(path, bytes.subarray(0, Math.floor(bytes.length / 2)));
}

async function randomSameSize(path: string): Promise<void> {
  const { size } = await stat(path);
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i += 65536) crypto.getRandomValues(bytes.subarray(i, i + 65536));
  await writeFile(path, bytes);
}
