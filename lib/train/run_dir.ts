/**
 * The run folder (layout shared with evaluation and notebooks, see INTERFACES.md):
 * ```
 * <run-dir>/config.json            the ExperimentConfig
 * <run-dir>/splits/                train.csv, val.csv, test.csv, summary.json
 * <run-dir>/history.csv, .json     one row per completed epoch
 * <run-dir>/<best name>/           best checkpoint (model.json + weights.bin)
 * <run-dir>/last/                  model + optimizer.json/.bin + state.json, for resume
 * <run-dir>/train.log
 * ```
 * Folders are replaced as a whole (written beside, then renamed), so a kill at any moment
 * leaves either the previous or the new complete folder.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { appendFile, mkdir, readFile, rename, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { CxrError } from "../errors.ts";
import { loadModel, saveModel } from "../models/mod.ts";
import type { NamedTensor } from "../optim/mod.ts";
import { writeFileAtomic, writeJsonAtomic } from "../util/atomic.ts";
import { exists } from "../util/fs.ts";
import type { CheckpointState, EarlyStoppingState } from "./callbacks.ts";
import type { HistoryRow } from "./history.ts";

/**
 * Replaces folder `dir` by what `write(tmp)` puts into a fresh temporary folder beside it.
 * Between the two renames a crash leaves `<dir>.old`, which {@linkcode resolveDir} falls back to.
 */
export async function replaceDir(
  dir: string,
  write: (tmp: string) => Promise<void>,
): Promise<void> {
  const tmp = `${dir}.tmp-${Deno.pid}`;
  const old = `${dir}.old`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  await write(tmp);
  await rm(old, { recursive: true, force: true });
  if (await exists(dir)) await rename(dir, old);
  await rename(tmp, dir);
  await rm(old, { recursive: true, force: true });
}

/** `dir` if it exists, else `<dir>.old` if a crash left it mid-replace, else null. */
export async function resolveDir(dir: string): Promise<string | null> {
  if (await exists(dir)) return dir;
  if (await exists(`${dir}.old`)) return `${dir}.old`;
  return null;
}

/** What `last/state.json` records after each completed epoch. */
export interface RunState {
  format: 1;
  /** Completed epochs over both stages. */
  epoch: number;
  /** Stage the next epoch belongs to (3 = finished). */
  stage: 1 | 2 | 3;
  /** Completed epochs within `stage`. */
  stageEpoch: number;
  /** State of the generator that shuffles and augments (lib/util/rng.ts). */
  rngState: number;
  earlyStopping: EarlyStoppingState | null;
  checkpoint: CheckpointState;
  history: HistoryRow[];
  /** Seconds spent computing frozen features, per stage (informational). */
  featureSeconds: Record<string, number>;
}

/** Paths inside a run folder. */
export function runPaths(runDir: string, bestName: string) {
  return {
    config: join(runDir, "config.json"),
    splits: join(runDir, "splits"),
    best: join(runDir, bestName),
    last: join(runDir, "last"),
    log: join(runDir, "train.log"),
  };
}

/** Saves model, optimizer state and run state into `<runDir>/last` as one folder swap. */
export async function saveLast(
  lastDir: string,
  model: tf.LayersModel,
  optimizer: tf.Optimizer | null,
  state: RunState,
): Promise<void> {
  await replaceDir(lastDir, async (tmp) => {
    await saveModel(model, tmp);
    if (optimizer) await saveOptimizer(tmp, model, optimizer);
    await writeJsonAtomic(join(tmp, "state.json"), state);
  });
}

/** What {@linkcode loadLast} returns. */
export interface LastCheckpoint {
  model: tf.LayersModel;
  state: RunState;
  /** Optimizer state (names translated to this model's variables), or null if none was saved. */
  optimizerWeights: NamedTensor[] | null;
}

/** Loads `<runDir>/last` (or its crash leftover), or returns null when there is none. */
export async function loadLast(lastDir: string): Promise<LastCheckpoint | null> {
  const dir = await resolveDir(lastDir);
  if (!dir) return null;
  let state: RunState;
  try {
    state = JSON.parse(await readFile(join(dir, "state.json"), "utf8"));
  } catch (err) {
    throw new CxrError(
      `cannot resume: ${join(dir, "state.json")} is unreadable (${(err as Error).message}); ` +
        `delete ${dir} to restart the run`,
    );
  }
  const model = await loadModel(dir);
  const optimizerWeights = await loadOptimizer(dir, model);
  return { model, state, optimizerWeights };
}

interface OptimizerFile {
  className: string;
  config: tf.serialization.ConfigDict;
  weights: { name: string; shape: number[]; dtype: "float32" | "int32"; offset: number }[];
}

/**
 * Optimizer state as `optimizer.json` + `optimizer.bin`. Variable names are written as the
 * model's stable weight names (`block_16_project/kernel`), not tfjs' process-unique ones.
 */
async function saveOptimizer(dir: string, model: tf.LayersModel, optimizer: tf.Optimizer) {
  const toStable = new Map(model.weights.map((w) => [w.name, w.originalName]));
  const weights = await optimizer.getWeights();
  const entries: OptimizerFile["weights"] = [];
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const { name, tensor } of weights) {
    const slash = name.lastIndexOf("/");
    const varName = name.slice(0, slash);
    const stable = name === "iter"
      ? "iter"
      : `${toStable.get(varName) ?? varName}${name.slice(slash)}`;
    const data = await tensor.data();
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
    entries.push({
      name: stable,
      shape: tensor.shape,
      dtype: tensor.dtype as "float32" | "int32",
      offset,
    });
    chunks.push(bytes);
    offset += bytes.length;
  }
  tf.dispose(weights.filter((w) => w.name === "iter").map((w) => w.tensor));
  const bin = new Uint8Array(offset);
  let at = 0;
  for (const c of chunks) {
    bin.set(c, at);
    at += c.length;
  }
  await writeFileAtomic(join(dir, "optimizer.bin"), bin);
  const file: OptimizerFile = {
    className: optimizer.getClassName(),
    config: optimizer.getConfig(),
    weights: entries,
  };
  await writeJsonAtomic(join(dir, "optimizer.json"), file);
}

async function loadOptimizer(dir: string, model: tf.LayersModel): Promise<NamedTensor[] | null> {
  const jsonPath = join(dir, "optimizer.json");
  if (!(await exists(jsonPath))) return null;
  const file: OptimizerFile = JSON.parse(await readFile(jsonPath, "utf8"));
  const bin = await readFile(join(dir, "optimizer.bin"));
  const toLive = new Map(model.weights.map((w) => [w.originalName, w.name]));
  return file.weights.map((e) => {
    const count = e.shape.reduce((a, b) => a * b, 1);
    const buf = bin.buffer.slice(bin.byteOffset + e.offset, bin.byteOffset + e.offset + count * 4);
    const values = e.dtype === "int32" ? new Int32Array(buf) : new Float32Array(buf);
    const slash = e.name.lastIndexOf("/");
    const name = e.name === "iter"
      ? "iter"
      : `${toLive.get(e.name.slice(0, slash)) ?? e.name.slice(0, slash)}${e.name.slice(slash)}`;
    return { name, tensor: tf.tensor(values, e.shape, e.dtype) };
  });
}

/** Appends a time-stamped line to `train.log` (and creates its folder). */
export async function appendLog(logPath: string, line: string): Promise<void> {
  await mkdir(dirname(logPath), { recursive: true });
  await appendFile(logPath, `${new Date().toISOString()} ${line}\n`);
}
