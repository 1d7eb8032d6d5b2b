/**
 * The run folder (layout shared with evaluation and notebooks):
 * ```
 * <run-dir>/config.json            the ExperimentConfig
 * <run-dir>/splits/                train.csv, val.csv, test.csv, summary.json
 * <run-dir>/history.csv, .json     one row per completed epoch
 * <run-dir>/<best name>/           best checkpoint (model.json + weights.bin)
 * <run-dir>/last/                  model + optimizer.json/.bin + state.json, for resume
 * <run-dir>/last.prev/             the checkpoint before it, to fall back to if last/ is damaged
 * <run-dir>/run.lock               while a process trains into the folder (lib/util/lock.ts)
 * <run-dir>/train.log
 * ```
 * Folders are replaced as a whole (written beside, then renamed), so a kill at any moment
 * leaves either the previous or the new complete folder.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { appendFile, mkdir, readdir, readFile, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import type { ExperimentConfig } from "../config.ts";
import { CxrError } from "../errors.ts";
import { loadModel, saveModel } from "../models/mod.ts";
import type { NamedTensor } from "../optim/mod.ts";
import { replaceDir, resolveDir, writeFileAtomic, writeJsonAtomic } from "../util/atomic.ts";
import { writingTo } from "../util/disk_error.ts";
import { checksums, type FileChecksum, verifyChecksums } from "../util/checksum.ts";
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

/**
 * The config a run folder was started with (`config.json`); a {@linkcode CxrError} naming the
 * file and the fix when it is damaged.
 */
export async function readRunConfig(path: string): Promise<ExperimentConfig> {
  const config = await readJson<ExperimentConfig>(path).catch((err: Error) => {
    throw new CxrError(`${err.message}; restore it, or rerun with --restart to start over`);
  });
  if (typeof config?.model !== "string" || typeof config.inputSize !== "number") {
    throw new CxrError(
      `${path} does not hold a run config; restore it, or rerun with --restart to start over`,
    );
  }
  return config;
}

/** Run files outside `last/` that resuming reads, relative to `last/`. */
const SPLIT_FILES = ["train", "val", "test"].map((s) => `../splits/${s}.csv`);

/**
 * Saves model, optimizer state and run state into `<runDir>/last` as one folder swap, keeping
 * the previous one as `last.prev`. `state.json` is written last and records the sha256 and size
 * of every other file resuming reads (model, optimizer, the run's split files).
 */
export async function saveLast(
  lastDir: string,
  model: tf.LayersModel,
  optimizer: tf.Optimizer | null,
  state: RunState,
): Promise<void> {
  await replaceDir(lastDir, async (tmp) => {
    await saveModel(model, tmp);
    if (optimizer) await saveOptimizer(tmp, model, optimizer);
    const names = (await readdir(tmp)).filter((n) => !n.includes(".tmp-")).sort();
    const splits = [];
    for (const f of SPLIT_FILES) if (await exists(join(tmp, f))) splits.push(f);
    const files = await checksums(tmp, [...names, ...splits]);
    await writeJsonAtomic(join(tmp, "state.json"), { ...state, files });
  }, { keepPrevious: true });
}

/** What {@linkcode loadLast} returns. */
export interface LastCheckpoint {
  model: tf.LayersModel;
  state: RunState;
  /** Optimizer state (names translated to this model's variables), or null if none was saved. */
  optimizerWeights: NamedTensor[] | null;
}

/**
 * Loads `<runDir>/last` (or its crash leftover), or returns null when there is none. Files are
 * checked against the checksums `state.json` records (states written before checksums were
 * recorded are loaded unchecked); a damaged file is a {@linkcode CxrError} naming it and the fix:
 * the previous checkpoint `last.prev` when it is intact, else `--restart`.
 */
export async function loadLast(lastDir: string): Promise<LastCheckpoint | null> {
  const dir = await resolveDir(lastDir);
  if (!dir) return null;
  try {
    return await readCheckpoint(dir);
  } catch (err) {
    if (!(err instanceof CxrError)) throw err;
    throw new CxrError(`cannot resume: ${err.message}; ${await resumeFix(lastDir, dir)}`);
  }
}

/** The fix for a damaged checkpoint `dir`: its intact predecessor, else a restart. */
async function resumeFix(lastDir: string, dir: string): Promise<string> {
  const prev = `${lastDir}.prev`;
  const restart = "rerun with --restart to start the run over";
  if (dir === prev || !(await exists(prev))) return restart;
  try {
    const state = await readStateFile(prev);
    await verifyChecksums(prev, state.files ?? {}, join(prev, "state.json"));
    return `the previous checkpoint ${prev} (after epoch ${state.epoch}) is intact: ` +
      `delete ${dir} to resume from it, or ${restart}`;
  } catch {
    return restart;
  }
}

/** A checkpoint folder's state, model and optimizer, verified against its checksums. */
async function readCheckpoint(dir: string): Promise<LastCheckpoint> {
  const { files, ...state } = await readStateFile(dir);
  // A missing split file is made again from the seed before training, then checked.
  if (files) await verifyChecksums(dir, await presentSplits(dir, files), join(dir, "state.json"));
  let model: tf.LayersModel;
  try {
    model = await loadModel(dir);
  } catch (err) {
    if (err instanceof CxrError) throw err;
    throw new CxrError(`the model in ${dir} does not load (${(err as Error).message})`);
  }
  const optimizerWeights = await loadOptimizer(dir, model);
  return { model, state, optimizerWeights };
}

/** `state.json` of a checkpoint folder, checked to be a run state. */
async function readStateFile(dir: string): Promise<RunState & { files?: FileChecksums }> {
  const path = join(dir, "state.json");
  const state = await readJson<Parameters<typeof readState>[0] & { files?: FileChecksums }>(path);
  const ok = state?.format === 1 && Number.isInteger(state.epoch) && state.epoch >= 0 &&
    Array.isArray(state.history) &&
    Number.isInteger(state.stageEpoch) && typeof state.rngState === "number" &&
    typeof state.checkpoint === "object" && state.checkpoint !== null;
  if (!ok) {
    throw new CxrError(
      `${path} is not a run state (format 1 with epoch, stageEpoch, rngState, checkpoint and ` +
        `history)`,
    );
  }
  return { ...readState(state), ...(state.files ? { files: state.files } : {}) };
}

type FileChecksums = Record<string, FileChecksum>;

/** `files` without the split files that are missing (the run makes them again). */
async function presentSplits(dir: string, files: FileChecksums): Promise<FileChecksums> {
  const out: FileChecksums = {};
  for (const [name, sum] of Object.entries(files)) {
    if (!SPLIT_FILES.includes(name) || await exists(join(dir, name))) out[name] = sum;
  }
  return out;
}

/**
 * Checks split files made again against the checksums the checkpoint in `lastDir` recorded
 * (nothing to check without a checkpoint or checksums): a {@linkcode CxrError} when the data
 * gave another split than the one the run was trained on.
 */
export async function verifySplitFiles(lastDir: string): Promise<void> {
  const dir = await resolveDir(lastDir);
  if (!dir) return;
  const { files } = await readStateFile(dir);
  const splits = Object.fromEntries(
    Object.entries(files ?? {}).filter(([name]) => SPLIT_FILES.includes(name)),
  );
  await verifyChecksums(dir, splits, join(dir, "state.json")).catch((err: Error) => {
    throw new CxrError(
      `the split made again is not the one the run was trained on (${err.message}): did the ` +
        `data change? Restore the split files, or rerun with --restart to start over`,
    );
  });
}

/** Parses the JSON file at `path`; a CxrError naming it when it is unreadable or not JSON. */
async function readJson<T>(path: string): Promise<T> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as T;
  } catch (err) {
    throw new CxrError(`${path} is unreadable (${(err as Error).message})`);
  }
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
  const file = await readJson<OptimizerFile>(jsonPath);
  const binPath = join(dir, "optimizer.bin");
  const bin = await readFile(binPath).catch((err) => {
    throw new CxrError(`${binPath} is unreadable (${(err as Error).message})`);
  });
  if (!Array.isArray(file?.weights)) throw new CxrError(`${jsonPath} lists no optimizer weights`);
  const sizes = file.weights.map((e) => 4 * e.shape.reduce((a, b) => a * b, 1));
  const needed = file.weights.reduce((a, e, i) => Math.max(a, e.offset + sizes[i]), 0);
  if (bin.length < needed) {
    throw new CxrError(
      `${binPath} is ${bin.length} bytes but ${jsonPath} needs ${needed}: the file is truncated`,
    );
  }
  const toLive = new Map(model.weights.map((w) => [w.originalName, w.name]));
  return file.weights.map((e, i) => {
    const buf = bin.buffer.slice(bin.byteOffset + e.offset, bin.byteOffset + e.offset + sizes[i]);
    const values = e.dtype === "int32" ? new Int32Array(buf) : new Float32Array(buf);
    const slash = e.name.lastIndexOf("/");
    const name = e.name === "iter"
      ? "iter"
      : `${toLive.get(e.name.slice(0, slash)) ?? e.name.slice(0, slash)}${e.name.slice(slash)}`;
    return { name, tensor: tf.tensor(values, e.shape, e.dtype) };
  });
}

/** What a training run leaves in its folder, deleted by {@linkcode clearRun}. */
const RUN_ENTRIES =
  /^(config\.json|splits|history\.(csv|json)|train\.log|efficiency\.json|last(\.old|\.prev)?|best_[^/]+|eval-[^/]+)$/;

/**
 * Deletes what an earlier run left in `runDir` (checkpoints, history, log, split, config,
 * evaluations) so it starts over; other files are kept. Call it holding the folder's lock.
 */
export async function clearRun(runDir: string, print: (line: string) => void): Promise<void> {
  const names = (await readdir(runDir).catch(() => [])).filter((n) => RUN_ENTRIES.test(n));
  for (const n of names) await rm(join(runDir, n), { recursive: true, force: true });
  if (names.length > 0) print(`restart: removed ${names.sort().join(", ")} from ${runDir}`);
}

/** Appends a time-stamped line to `train.log` (and creates its folder). */
export async function appendLog(logPath: string, line: string): Promise<void> {
  await mkdir(dirname(logPath), { recursive: true });
  await writingTo(logPath, () => appendFile(logPath, `${new Date().toISOString()} ${line}\n`));
}
