/**
 * The run folder (layout shared with evaluation and notebooks):
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
import { appendFile, mkdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { CxrError } from "../errors.ts";
import { loadModel, saveModel } from "../models/mod.ts";
import type { NamedTensor } from "../optim/mod.ts";
import { replaceDir, resolveDir, writeFileAtomic, writeJsonAtomic } from "../util/atomic.ts";
import { exists } from "../util/fs.ts";
import type { Rng } from "../util/rng.ts";
import type {
  BestCheckpoint,
  CheckpointState,
  EarlyStopping,
  EarlyStoppingState,
  EpochEnd,
  TrainCallback,
} from "./callbacks.ts";
import { type HistoryRow, writeHistory } from "./history.ts";

/** What `last/state.json` records after each completed epoch. */
export interface RunState {
  format: 1;
  /** Completed epochs over both stages. */
  epoch: number;
  /** Stage the next epoch belongs to (once finished: the last one trained). */
  stage: 1 | 2;
  /** Completed epochs within `stage`. */
  stageEpoch: number;
  /** Whether every stage is done (trained all its epochs, or stopped early). */
  finished: boolean;
  /** State of the generator that shuffles and augments (lib/util/rng.ts). */
  rngState: number;
  earlyStopping: EarlyStoppingState | null;
  checkpoint: CheckpointState;
  history: HistoryRow[];
  /** Seconds spent computing frozen features, per stage (informational). */
  featureSeconds: Record<string, number>;
}

/** The state of a run before its first epoch; `rngState`: its seeded generator's state. */
export function initialState(rngState: number): RunState {
  return {
    format: 1,
    epoch: 0,
    stage: 1,
    stageEpoch: 0,
    finished: false,
    rngState,
    earlyStopping: null,
    checkpoint: { best: null, epoch: null },
    history: [],
    featureSeconds: {},
  };
}

/**
 * A state as written by any version: older runs have no `finished` field and mark a finished
 * run with `stage: 3`.
 */
export function readState(
  saved: Omit<RunState, "stage" | "finished"> & {
    stage: number;
    finished?: boolean;
  },
): RunState {
  const finished = saved.finished ?? saved.stage === 3;
  return { ...saved, stage: saved.stage === 1 ? 1 : 2, finished };
}

/**
 * Records each epoch in `state` and saves it, with the model and the stage's optimizer, into
 * `last/`, and the history files beside it: the callback that makes a run resumable. At the
 * end of the stage the state moves on to `nextStage`, or is finished when there is none; the
 * optimizer is not saved then (the next stage starts a fresh one).
 */
export class SaveRunState implements TrainCallback {
  constructor(
    readonly args: {
      runDir: string;
      lastDir: string;
      state: RunState;
      model: tf.LayersModel;
      optimizer: tf.Optimizer;
      /** The stage's generator (shuffles, augmentation, Dropout). */
      rng: Rng;
      checkpoint: BestCheckpoint;
      early: EarlyStopping;
      nextStage: 1 | 2 | null;
    },
  ) {}
  async onEpochEnd(end: EpochEnd): Promise<void> {
    const { state, rng, checkpoint, early, nextStage } = this.args;
    state.history.push(end.row);
    state.epoch = end.row.epoch;
    state.stageEpoch++;
    state.rngState = rng.state;
    state.checkpoint = checkpoint.state;
    state.earlyStopping = early.state;
    if (end.stageOver) {
      state.earlyStopping = null;
      if (nextStage === null) state.finished = true;
      else Object.assign(state, { stage: nextStage, stageEpoch: 0 });
    }
    const { lastDir, model, optimizer, runDir } = this.args;
    await saveLast(lastDir, model, end.stageOver ? null : optimizer, state);
    await writeHistory(runDir, state.history);
  }
}

/** Paths inside a run folder. */
export interface RunPaths {
  config: string;
  splits: string;
  best: string;
  last: string;
  log: string;
}

/** Paths inside a run folder whose best checkpoint is `<runDir>/<bestName>`. */
export function runPaths(runDir: string, bestName: string): RunPaths {
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
    state = readState(JSON.parse(await readFile(join(dir, "state.json"), "utf8")));
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
