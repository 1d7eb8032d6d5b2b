/**
 * A whole training run, as the paper describes it: stage 1 trains the head on a frozen base
 * (cut at the pooled features, `stage1LearningRate`), stage 2 fine-tunes the base from
 * `fineTuneFrom` on (`stage2LearningRate`, a fresh AdamW as a Keras re-compile gives), with
 * early stopping per stage, the best checkpoint by `monitor` over the whole run, and, at the
 * end of each stage, the best weights so far restored (Keras' `restore_best_weights`, taken
 * from the checkpoint so that it survives a restart). The baseline trains all of its layers in
 * one stage, with BatchNorm in training mode.
 *
 * The run is prepared once (prepare.ts), then each stage still to train gets its batch sources
 * and one epoch loop (stage.ts) whose per-epoch work is a list of callbacks (callbacks.ts).
 * Everything is in the run folder (see run_dir.ts); after each epoch `last/` holds the model,
 * the optimizer, the generator state and the history, so rerunning the same command after a
 * kill continues from the last completed epoch.
 *
 * @module
 */
import { basename } from "node:path";
import { toWorkspace } from "../paths.ts";
import * as tf from "@tensorflow/tfjs";
import { checkpointBasename, type ExperimentConfig } from "../config.ts";
import { splitAt } from "../models/mod.ts";
import { type LiveDisplay, liveDisplay } from "../notebook/display.ts";
import { AdamW, EXCLUDE_NOTHING } from "../optim/mod.ts";
import { withRunLock } from "../util/lock.ts";
import { Rng } from "../util/rng.ts";
import {
  BestCheckpoint,
  CallbackList,
  EarlyStopping,
  EpochLog,
  NotebookDisplay,
  ProgressBar,
  RestoreBest,
} from "./callbacks.ts";
import { FeatureCache } from "./feature_cache.ts";
import { type HistoryRow, writeHistory } from "./history.ts";
import {
  assertSameConfig,
  buildModel,
  prepareData,
  type RunData,
  trainingMode,
} from "./prepare.ts";
import {
  appendLog,
  clearRun,
  initialState,
  type LastCheckpoint,
  loadLast,
  type RunPaths,
  runPaths,
  type RunState,
  SaveRunState,
} from "./run_dir.ts";
import { planStages, remainingStages, runStage, type StagePlan, stageSources } from "./stage.ts";

/** Options of {@linkcode trainRun}. */
export interface TrainRunOptions {
  /** The validated config; `dataRoot` (and for MobileNetV2 `weightsDir`) must be set. */
  config: ExperimentConfig;
  /** Run folder; created, or resumed when it holds a run with the same config. */
  runDir: string;
  /** Image cache root. Default: the data area's default (`$CXR_CACHE_DIR`, else outputs/cache). */
  cacheDir?: string;
  /** Show a live history table when running in Jupyter. Default true. */
  jupyter?: boolean;
  /** Where lines go besides train.log. Default: console.log. */
  print?: (line: string) => void;
  /**
   * Delete what an earlier run left in `runDir` (checkpoints, history, log, split, config,
   * evaluations) and start over. Default false (resume).
   */
  restart?: boolean;
}

/** What {@linkcode trainRun} returns. */
export interface TrainRunResult {
  history: HistoryRow[];
  /** Best checkpoint folder, its epoch and monitored value. */
  best: { dir: string; epoch: number | null; value: number | null };
  /** Whether this call resumed an interrupted run. */
  resumed: boolean;
}

/**
 * Runs (or resumes) the training described by `options.config` in `options.runDir`, as the
 * folder's only writer (a second call on the same folder fails at once naming the holder).
 */
export function trainRun(options: TrainRunOptions): Promise<TrainRunResult> {
  return withRunLock(options.runDir, async () => {
    if (options.restart) await clearRun(options.runDir, options.print ?? console.log);
    return await train(options);
  });
}

async function train(options: TrainRunOptions): Promise<TrainRunResult> {
  const { config, runDir } = options;
  const paths = runPaths(runDir, checkpointBasename(config));
  const print = options.print ?? ((line: string) => console.log(line));
  const log = async (line: string) => {
    print(line);
    await appendLog(paths.log, line);
  };
  await assertSameConfig(paths.config, config, runDir);
  // Model and stage plan first: bad weights or fineTuneFrom fail before anything is written.
  const last = await loadLast(paths.last);
  const model = last?.model ?? await buildModel(config);
  const stages = planStages(config, model);
  const data = await prepareData(config, paths, { cacheDir: options.cacheDir, print });
  const state = last?.state ?? initialState(new Rng(config.seed).state);
  const todo = remainingStages(stages, state);
  // Reloading a finished run (a notebook rerun) leaves train.log as training wrote it: its span
  // is the run's training time in the report.
  const report = last && todo.length === 0 ? (line: string) => Promise.resolve(print(line)) : log;
  await report(
    !last
      ? `training ${config.model} (${config.profile}: ${trainingMode(config)}) at ` +
        `${config.inputSize}px on ${data.train.length} images, validating on ${data.val.length}, ` +
        `backend ${tf.getBackend()}`
      : todo.length === 0
      ? `${toWorkspace(runDir)} is complete (${state.epoch} epochs); nothing to train`
      : `resuming ${toWorkspace(runDir)} after epoch ${state.epoch} (stage ${state.stage})`,
  );
  // The state is the source of truth: a kill between saving it and the history files is healed.
  if (last) await writeHistory(runDir, state.history);
  const run: RunContext = {
    config,
    runDir,
    paths,
    model,
    stages,
    data,
    state,
    last,
    log,
    checkpoint: new BestCheckpoint(paths.best, config.monitor, state.checkpoint, model),
    features: frozenFeatures(config, model, data),
    display: options.jupyter === false ? null : liveDisplay(),
  };
  for (const plan of todo) await trainStage(run, plan);
  const best = run.checkpoint.state;
  await report(
    `done: best ${config.monitor} ${best.best?.toFixed(4) ?? "n/a"} at epoch ` +
      `${best.epoch ?? "n/a"} -> ${basename(paths.best)} (in the run folder)`,
  );
  return {
    history: state.history,
    best: { dir: paths.best, epoch: best.epoch, value: best.best },
    resumed: last !== null,
  };
}

/** Everything a stage of a run shares with the others. */
interface RunContext {
  config: ExperimentConfig;
  runDir: string;
  paths: RunPaths;
  model: tf.LayersModel;
  stages: StagePlan[];
  data: RunData;
  state: RunState;
  /** What the run resumed from, or null. */
  last: LastCheckpoint | null;
  log: (line: string) => Promise<void>;
  checkpoint: BestCheckpoint;
  features: FeatureCache | null;
  /** Where the live history table goes; null for none. */
  display: LiveDisplay | null;
}

/** The frozen-feature cache when the config asks for one (MobileNetV2 only). */
function frozenFeatures(
  config: ExperimentConfig,
  model: tf.LayersModel,
  data: RunData,
): FeatureCache | null {
  if (!config.cacheFrozenFeatures || config.model === "baseline") return null;
  return new FeatureCache(model, data.images, data.train, data.val, {
    augment: config.augment.enabled ? config.augment : null,
    views: config.augmentViews,
    seed: config.seed,
    batchSize: config.batchSize,
  });
}

/**
 * One stage: the model cut at the stage's layer, a fresh AdamW (as a Keras re-compile gives;
 * its saved state when resuming mid-stage), the stage's sources and its callbacks.
 */
async function trainStage(run: RunContext, plan: StagePlan): Promise<void> {
  const { config, model, state, last, checkpoint, data } = run;
  const { frozen, trainable } = plan.cut
    ? splitAt(model, plan.cut)
    : { frozen: null, trainable: model };
  const optimizer = new AdamW({
    learningRate: plan.learningRate,
    weightDecay: config.weightDecay,
    ...(config.weightDecayScope === "all" ? { excludeFromWeightDecay: EXCLUDE_NOTHING } : {}),
  });
  if (last?.optimizerWeights && state.stage === plan.stage && state.stageEpoch > 0) {
    await optimizer.setWeights(last.optimizerWeights);
  }
  tf.dispose(last?.optimizerWeights?.map((w) => w.tensor) ?? []);
  const early = new EarlyStopping(
    config.monitor,
    config.patience,
    state.earlyStopping ?? undefined,
  );
  const augment = config.augment.enabled ? config.augment : null;
  const rng = Rng.fromState(state.rngState);
  const sources = await stageSources({ ...run, plan, frozen, augment, rng });
  const nextStage = run.stages.find((s) => s.stage > plan.stage && s.epochs > 0)?.stage ?? null;
  const callbacks = new CallbackList([
    new ProgressBar(),
    checkpoint,
    early,
    new RestoreBest(model, checkpoint),
    new SaveRunState({ ...run, lastDir: run.paths.last, optimizer, rng, early, nextStage }),
    new EpochLog(run.log),
    run.display && new NotebookDisplay(run.display, () => state.history),
  ]);
  await runStage({
    plan,
    trainable,
    optimizer,
    sources,
    rng,
    examples: { train: data.train.length, val: data.val.length },
    batchSize: config.batchSize,
    trainBatchNorm: config.model === "baseline",
    done: { epoch: state.epoch, stageEpoch: state.stageEpoch },
    totalEpochs: run.stages.reduce((a, s) => a + s.epochs, 0),
  }, callbacks);
  optimizer.dispose();
  sources.dispose();
}
