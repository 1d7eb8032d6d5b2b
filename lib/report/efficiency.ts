/**
 * Model efficiency for the report: parameter count and weights size read from the checkpoint
 * files, and inference speed measured on the active tfjs backend (latency of one image at
 * batch 1, throughput at a larger batch), stored as `<run>/efficiency.json`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { checkpointBasename, type ExperimentConfig } from "../config.ts";
import { fail } from "../errors.ts";
import { loadModel } from "../models/mod.ts";
import { writeJsonAtomic } from "../util/atomic.ts";

/** Size and speed of one checkpoint; `<run>/efficiency.json`. */
export interface Efficiency {
  model: string;
  inputSize: number;
  /** All weights, trainable or not (Keras' "Total params"). */
  params: number;
  /** Bytes of weights.bin (float32). */
  weightsBytes: number;
  /** tfjs backend the speed was measured on. */
  backend: string;
  /** Median milliseconds of one forward pass of one image (batch 1). */
  latencyMs: number;
  /** Images per second at `batchSize`. */
  imgPerS: number;
  batchSize: number;
}

/** Parameters and weights bytes of a TF.js layers checkpoint folder (model.json + weights.bin). */
export async function checkpointStats(
  dir: string,
): Promise<{ params: number; weightsBytes: number }> {
  let manifest: { weightsManifest?: { paths: string[]; weights: { shape: number[] }[] }[] };
  try {
    manifest = JSON.parse(await readFile(join(dir, "model.json"), "utf8"));
  } catch (err) {
    fail(`cannot read ${join(dir, "model.json")}: ${(err as Error).message}`);
  }
  let params = 0;
  let weightsBytes = 0;
  for (const group of manifest.weightsManifest ?? []) {
    for (const w of group.weights) params += w.shape.reduce((a, b) => a * b, 1);
    for (const p of group.paths) weightsBytes += (await stat(join(dir, p))).size;
  }
  return { params, weightsBytes };
}

/** Options for {@linkcode measureInference}. */
export interface MeasureOptions {
  /** Batch of the throughput measurement. Default 16. */
  batchSize?: number;
  /** Timed batch-1 passes (the median is kept). Default 10. */
  repeats?: number;
  /** Timed passes at `batchSize`. Default 3. */
  batchRepeats?: number;
}

/** Median batch-1 latency (ms) and batched throughput (img/s) of `model` on the active backend. */
export async function measureInference(
  model: tf.LayersModel,
  opts: MeasureOptions = {},
): Promise<{ latencyMs: number; imgPerS: number; batchSize: number }> {
  const [, h, w, c] = model.inputs[0].shape as number[];
  const batchSize = opts.batchSize ?? 16;
  const run = async (n: number) => {
    const x = tf.randomUniform([n, h, w, c], -1, 1);
    const start = performance.now();
    const y = model.predict(x) as tf.Tensor;
    await y.data(); // wait for the backend, not just the dispatch
    const ms = performance.now() - start;
    tf.dispose([x, y]);
    return ms;
  };
  await run(1); // warm-up: kernel compilation and weight upload
  const times: number[] = [];
  for (let i = 0; i < (opts.repeats ?? 10); i++) times.push(await run(1));
  times.sort((a, b) => a - b);
  const latencyMs = times[Math.floor(times.length / 2)];
  await run(batchSize);
  let total = 0;
  const batchRepeats = opts.batchRepeats ?? 3;
  for (let i = 0; i < batchRepeats; i++) total += await run(batchSize);
  return { latencyMs, imgPerS: (batchSize * batchRepeats) / (total / 1000), batchSize };
}

/** Loads the run's best checkpoint, measures it and writes `<runDir>/efficiency.json`. */
export async function measureRunEfficiency(
  runDir: string,
  opts: MeasureOptions = {},
): Promise<Efficiency> {
  let config: ExperimentConfig;
  try {
    config = JSON.parse(await readFile(join(runDir, "config.json"), "utf8"));
  } catch (err) {
    fail(
      `cannot read ${join(runDir, "config.json")}: ${(err as Error).message}; train the run first`,
    );
  }
  const dir = join(runDir, checkpointBasename(config));
  const stats = await checkpointStats(dir);
  const model = await loadModel(dir);
  try {
    const speed = await measureInference(model, opts);
    const eff: Efficiency = {
      model: config.model,
      inputSize: config.inputSize,
      ...stats,
      backend: tf.getBackend(),
      ...speed,
    };
    await writeJsonAtomic(join(runDir, "efficiency.json"), eff);
    return eff;
  } finally {
    model.dispose();
  }
}
