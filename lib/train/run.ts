/**
 * A whole training run, as the paper describes it: stage 1 trains the head on a frozen base
 * (cut at the pooled features, `stage1LearningRate`), stage 2 fine-tunes the base from
 * `fineTuneFrom` on (`stage2LearningRate`, a fresh AdamW as a Keras re-compile gives), with
 * early stopping per stage, the best checkpoint by `monitor` over the whole run, and, at the
 * end of each stage, the best weights so far restored (Keras' `restore_best_weights`, taken
 * from the checkpoint so that it survives a restart). The baseline trains all of its layers in
 * one stage, with BatchNorm in training mode.
 *
 * Everything is in the run folder (see run_dir.ts); after each epoch `last/` holds the model,
 * the optimizer, the generator state and the history, so rerunning the same command after a
 * kill continues from the last completed epoch.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { checkpointBasename, type ExperimentConfig } from "../config.ts";
import { CxrError, fail } from "../errors.ts";
import {
  type ImageCache,
  type ManifestRow,
  prepareCache,
  readSplit,
  sampleRows,
  scanDataset,
  type ScanResult,
  type Split,
  splitDataset,
  writeSplit,
} from "../data/mod.ts";
import {
  baselineCnn,
  cutPoints,
  loadModel,
  mobileNetV2Classifier,
  splitAt,
} from "../models/mod.ts";
import { type FoldedForward, foldedForward } from "../kernels/mod.ts";
import { AdamW, EXCLUDE_NOTHING } from "../optim/mod.ts";
import { writeJsonAtomic } from "../util/atomic.ts";
import { exists } from "../util/fs.ts";
import { progress } from "../util/progress.ts";
import { Rng } from "../util/rng.ts";
import { balancedClassWeights, batchIndices } from "./batches.ts";
import { BestCheckpoint, EarlyStopping, formatEpoch, JupyterDisplay } from "./callbacks.ts";
import { type HistoryRow, writeHistory } from "./history.ts";
import { type BatchSource, runEpoch } from "./loop.ts";
import { appendLog, loadLast, runPaths, type RunState, saveLast } from "./run_dir.ts";
import { FeatureCache } from "./feature_cache.ts";
import { featureSource, imageSource } from "./sources.ts";

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
}

/** What {@linkcode trainRun} returns. */
export interface TrainRunResult {
  history: HistoryRow[];
  /** Best checkpoint folder, its epoch and monitored value. */
  best: { dir: string; epoch: number | null; value: number | null };
  /** Whether this call resumed an interrupted run. */
  resumed: boolean;
}

/** One training stage as planned from the config. */
interface StagePlan {
  stage: 1 | 2;
  epochs: number;
  learningRate: number;
  /** Layer after which the model is cut (frozen before, trained after); null = train all. */
  cut: string | null;
}

/**
 * The layer to cut after so that `fineTuneFrom` is the first trained layer; CxrError listing
 * the valid names otherwise.
 */
export function cutBefore(model: tf.LayersModel, fineTuneFrom: string): string {
  const names = model.layers.map((l) => l.name);
  const valid = cutPoints(model).map((c) => names[names.indexOf(c) + 1]);
  const i = names.indexOf(fineTuneFrom);
  if (i <= 0 || !valid.includes(fineTuneFrom)) {
    const blocks = valid.filter((n) => /^block_\d+_expand$|^Conv_1$/.test(n));
    fail(
      `config field 'fineTuneFrom' is '${fineTuneFrom}', which is not a layer the model can be ` +
        `fine-tuned from (no skip connection may cross the cut before it); block starts that ` +
        `work: ${(blocks.length ? blocks : valid).join(", ")}`,
    );
  }
  return names[i - 1];
}

function planStages(config: ExperimentConfig, model: tf.LayersModel): StagePlan[] {
  if (config.model === "baseline") {
    return [{
      stage: 1,
      epochs: config.stage1Epochs,
      learningRate: config.stage1LearningRate,
      cut: null,
    }];
  }
  return [
    {
      stage: 1,
      epochs: config.stage1Epochs,
      learningRate: config.stage1LearningRate,
      cut: "global_average_pooling2d",
    },
    {
      stage: 2,
      epochs: config.stage2Epochs,
      learningRate: config.stage2LearningRate,
      cut: cutBefore(model, config.fineTuneFrom),
    },
  ];
}

/** A balanced subset: `perClass` rows of each class (seeded); all when perClass is 0. */
export function stratifiedSubset(
  rows: readonly ManifestRow[],
  perClass: number,
  seed: number,
): ManifestRow[] {
  if (perClass <= 0) return [...rows];
  return sampleRows(rows, perClass, seed).sort((a, b) => a.path.localeCompare(b.path));
}

/** The split of the run: read from the run folder when resuming, else made and written. */
async function runSplit(
  config: ExperimentConfig,
  splitsDir: string,
  scan: ScanResult | null,
  print: (s: string) => void,
): Promise<Split> {
  if (!scan) return readSplit(splitsDir);
  let split = splitDataset(scan.rows, {
    strategy: config.split,
    seed: config.seed,
    fractions: config.fractions,
    patientKey: config.patientKey,
    officialVal: config.officialVal,
  });
  if (config.subsetPerClass > 0) {
    // Quick runs: the training subset, and a quarter as many of each class to validate/test on.
    const k = config.subsetPerClass;
    const small = Math.max(4, Math.round(k / 4));
    split = {
      train: stratifiedSubset(split.train, k, config.seed),
      val: stratifiedSubset(split.val, small, config.seed + 1),
      test: stratifiedSubset(split.test, small, config.seed + 2),
    };
  }
  await writeSplit(splitsDir, split, {
    strategy: config.split,
    seed: config.seed,
    ...(config.split === "official" ? { officialVal: config.officialVal } : {}),
    ...(config.split !== "paper" ? { patientKey: config.patientKey } : {}),
    targetFractions: config.fractions,
    dataRoot: config.dataRoot,
    skipped: scan.skipped,
  });
  print(
    `split ${config.split}: train ${split.train.length}, val ${split.val.length}, test ${split.test.length}`,
  );
  return split;
}

/**
 * Runs `fn` with Math.random drawing from a generator seeded by `seed`. tfjs takes the seeds of
 * unseeded weight initializers from Math.random, so this makes a run's initial weights (the new
 * head, or all of the baseline) repeat for a seed.
 */
async function withSeededRandom<T>(seed: number, fn: () => Promise<T>): Promise<T> {
  const original = Math.random;
  const rng = new Rng(seed);
  Math.random = () => rng.next();
  try {
    return await fn();
  } finally {
    Math.random = original;
  }
}

async function buildModel(config: ExperimentConfig): Promise<tf.LayersModel> {
  if (config.model === "baseline") return baselineCnn({ inputSize: config.inputSize });
  if (!config.weightsDir) {
    fail("config field 'weightsDir' is empty; pass --weights DIR or set CXR_WEIGHTS_DIR");
  }
  return await mobileNetV2Classifier({
    inputSize: config.inputSize,
    dropout: config.dropout,
    weightsDir: config.weightsDir,
  });
}

/**
 * Where data and weights live, not what they are: a committed run folder read on another
 * machine (or a clone elsewhere) holds other absolute paths for the same experiment.
 */
const LOCATION_FIELDS: ReadonlySet<string> = new Set(["dataRoot", "weightsDir"]);

/** The first field whose change makes a run folder a different experiment, or null. */
export function configDiff(a: ExperimentConfig, b: ExperimentConfig): string | null {
  for (const key of Object.keys(a) as (keyof ExperimentConfig)[]) {
    if (LOCATION_FIELDS.has(key)) continue;
    if (JSON.stringify(a[key]) !== JSON.stringify(b[key])) {
      return `${key}: ${JSON.stringify(a[key])} -> ${JSON.stringify(b[key])}`;
    }
  }
  return null;
}

/**
 * How training images reach the trained part, in words: a fresh augmentation every epoch (the
 * paper's), or `augmentViews` cached views of the frozen part's output.
 */
export function trainingMode(config: ExperimentConfig): string {
  const cached = config.cacheFrozenFeatures && config.model !== "baseline";
  if (!config.augment.enabled) {
    return cached ? "cached frozen features, no augmentation" : "no augmentation";
  }
  return cached
    ? `cached frozen features, ${config.augmentViews} augmented view(s) per image`
    : "fresh augmentation every epoch";
}

/** Runs (or resumes) the training described by `options.config` in `options.runDir`. */
export async function trainRun(options: TrainRunOptions): Promise<TrainRunResult> {
  const { config, runDir } = options;
  const paths = runPaths(runDir, checkpointBasename(config));
  const print = options.print ?? ((line: string) => console.log(line));
  const log = async (line: string) => {
    print(line);
    await appendLog(paths.log, line);
  };

  if (await exists(paths.config)) {
    const previous = JSON.parse(await readFile(paths.config, "utf8")) as ExperimentConfig;
    const diff = configDiff(previous, config);
    if (diff) {
      throw new CxrError(
        `run folder ${runDir} holds a run with a different config (${diff}); ` +
          `rerun with the same settings to resume, or use a new --run-dir`,
      );
    }
  }
  // Model and stage plan first: bad weights or fineTuneFrom fail before anything is written.
  const last = await loadLast(paths.last);
  const resumed = last !== null;
  const model = last?.model ?? await withSeededRandom(config.seed, () => buildModel(config));
  const stages = planStages(config, model);
  // The dataset too (unless the run already has its split): a bad data root leaves no folder.
  const scan = await exists(join(paths.splits, "train.csv"))
    ? null
    : await scanDataset(config.dataRoot, { progress: false });
  await writeJsonAtomic(paths.config, config);

  const split = await runSplit(config, paths.splits, scan, print);
  const images: ImageCache = await prepareCache({
    dataRoot: config.dataRoot,
    size: config.inputSize,
    cacheDir: options.cacheDir,
    rows: [...split.train, ...split.val, ...split.test],
    progress: false,
  });
  const usable = (rows: ManifestRow[]) => rows.filter((r) => images.has(r.sha256));
  const train = usable(split.train);
  const val = usable(split.val);
  if (train.length === 0 || val.length === 0) {
    fail(
      `no decodable training or validation images in ${config.dataRoot} (train ${train.length}, val ${val.length})`,
    );
  }
  const classWeights = config.classWeights === "balanced" ? balancedClassWeights(train) : undefined;

  const totalEpochs = stages.reduce((a, s) => a + s.epochs, 0);
  const state: RunState = last?.state ?? {
    format: 1,
    epoch: 0,
    stage: 1,
    stageEpoch: 0,
    rngState: new Rng(config.seed).state,
    earlyStopping: null,
    checkpoint: { best: null, epoch: null },
    history: [],
    featureSeconds: {},
  };
  const complete = resumed && !stages.some((s) => s.epochs > 0 && s.stage >= state.stage);
  // Reloading a finished run (a notebook rerun) leaves train.log as training wrote it: its span
  // is the run's training time in the report.
  const report = complete ? (line: string) => Promise.resolve(print(line)) : log;
  await report(
    !resumed
      ? `training ${config.model} (${config.profile}: ${trainingMode(config)}) at ` +
        `${config.inputSize}px on ${train.length} images, validating on ${val.length}, ` +
        `backend ${tf.getBackend()}`
      : complete
      ? `${runDir} is complete (${state.epoch} epochs); nothing to train`
      : `resuming ${runDir} after epoch ${state.epoch} (stage ${state.stage})`,
  );
  // The state is the source of truth: a kill between saving it and the history files is healed.
  if (resumed) await writeHistory(runDir, state.history);
  const checkpoint = new BestCheckpoint(paths.best, config.monitor, state.checkpoint);
  const display = options.jupyter === false ? null : new JupyterDisplay();
  const trainBatchNorm = config.model === "baseline";
  const features = config.cacheFrozenFeatures && config.model !== "baseline"
    ? new FeatureCache(model, images, train, val, {
      augment: config.augment.enabled ? config.augment : null,
      views: config.augmentViews,
      seed: config.seed,
      batchSize: config.batchSize,
    })
    : null;

  for (const plan of stages) {
    if (plan.epochs === 0 || state.stage > plan.stage) continue;
    const { frozen, trainable } = plan.cut
      ? splitAt(model, plan.cut)
      : { frozen: null, trainable: model };
    const optimizer = new AdamW({
      learningRate: plan.learningRate,
      weightDecay: config.weightDecay,
      ...(config.weightDecayScope === "all" ? { excludeFromWeightDecay: EXCLUDE_NOTHING } : {}),
    });
    if (last?.optimizerWeights && last.state.stage === plan.stage && last.state.stageEpoch > 0) {
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

    // Sources: cached frozen features when configured, else images through the frozen part.
    let trainSource: (epoch: number) => BatchSource;
    let frozenForward: FoldedForward | undefined;
    let valSource: BatchSource;
    if (frozen && plan.cut && features) {
      const start = performance.now();
      const reused = features.has(plan.cut);
      // Stage 1 chains from the stage-2 cut when stage 2 is still to come (feature_cache.ts).
      const later = stages.find((s) => s.stage > plan.stage && s.epochs > 0 && s.cut);
      if (later?.cut) await features.get(later.cut, `features at ${later.cut}`);
      const tables = await features.get(plan.cut, `features at ${plan.cut}`);
      const seconds = (performance.now() - start) / 1000;
      state.featureSeconds[`stage${plan.stage}`] = seconds;
      const n = train.length * features.views + val.length;
      await log(
        `stage ${plan.stage}: frozen features (cut after ${plan.cut}, ${features.views} ` +
          `${augment ? "augmented " : ""}view(s)) ` +
          (reused
            ? "reused from the earlier pass"
            : `ready in ${seconds.toFixed(1)} s (${
              (n / seconds).toFixed(1)
            } img/s over ${n} images)`),
      );
      const sources = tables.train.map((t) => featureSource(t, train, classWeights));
      trainSource = (epoch) => sources[epoch % sources.length];
      valSource = featureSource(tables.val, val);
    } else {
      // The frozen part does not change within a stage: fold its BatchNorms once.
      frozenForward = frozen ? foldedForward(frozen) : undefined;
      const source = imageSource(images, train, {
        frozen: frozenForward,
        augment: augment ? { rng, options: augment } : undefined,
        classWeights,
      });
      trainSource = () => source;
      valSource = imageSource(images, val, { frozen: frozenForward });
    }

    while (state.stageEpoch < plan.epochs) {
      const epoch = state.epoch + 1;
      const start = performance.now();
      // A live bar on terminals and a status line in Jupyter (every 2 s); logs get one line
      // per epoch below.
      const label = `epoch ${epoch}/${totalEpochs} stage ${plan.stage}`;
      const bar = Deno.stderr.isTerminal() ? progress(label, train.length) : null;
      let done = 0;
      let shown = performance.now();
      const onBatch = (n: number) => {
        bar?.tick(n);
        done += n;
        if (display?.available && performance.now() - shown > 2000) {
          shown = performance.now();
          display.update(state.history, `${label}: ${done}/${train.length} images`);
        }
      };
      const fit = await runEpoch(
        trainable,
        trainSource(state.stageEpoch),
        batchIndices(train.length, config.batchSize, rng),
        {
          optimizer,
          trainBatchNorm,
          rng,
          onBatch,
        },
      );
      bar?.done();
      const forward = foldedForward(trainable);
      const evaluated = await runEpoch(
        trainable,
        valSource,
        batchIndices(val.length, config.batchSize),
        { forward },
      );
      forward.dispose();
      const row: HistoryRow = {
        epoch,
        stage: plan.stage,
        loss: fit.loss,
        accuracy: fit.accuracy,
        val_loss: evaluated.loss,
        val_accuracy: evaluated.accuracy,
        lr: plan.learningRate,
        seconds: (performance.now() - start) / 1000,
        img_per_s: fit.count / fit.seconds,
      };
      const saved = await checkpoint.update(model, row);
      const stop = early.update(row);
      state.history.push(row);
      state.epoch = epoch;
      state.stageEpoch++;
      state.rngState = rng.state;
      state.checkpoint = checkpoint.state;
      state.earlyStopping = early.state;
      const stageOver = stop || state.stageEpoch >= plan.epochs;
      let restored = false;
      if (stageOver) {
        restored = await restoreBest(model, paths.best, checkpoint.state.epoch, epoch);
        state.stage = (plan.stage + 1) as 2 | 3;
        state.stageEpoch = 0;
        state.earlyStopping = null;
      }
      await saveLast(paths.last, model, stageOver ? null : optimizer, state);
      await writeHistory(runDir, state.history);
      const notes = [
        saved ? "(best, saved)" : "",
        stop ? `(early stop: no ${config.monitor} improvement in ${config.patience} epochs)` : "",
        restored ? `(restored best weights of epoch ${checkpoint.state.epoch})` : "",
      ].filter(Boolean).join(" ");
      await log(formatEpoch(row, totalEpochs, notes));
      display?.update(state.history, `epoch ${epoch}/${totalEpochs}, stage ${plan.stage}`);
      if (stageOver) break;
    }
    optimizer.dispose();
    frozenForward?.dispose();
    if (plan.cut) features?.drop(plan.cut);
  }
  await report(
    `done: best ${config.monitor} ${checkpoint.state.best?.toFixed(4) ?? "n/a"} at epoch ` +
      `${checkpoint.state.epoch ?? "n/a"} -> ${paths.best}`,
  );
  return {
    history: state.history,
    best: { dir: paths.best, epoch: checkpoint.state.epoch, value: checkpoint.state.best },
    resumed,
  };
}

/** Copies the best checkpoint's weights into `model` unless it is the current epoch's. */
async function restoreBest(
  model: tf.LayersModel,
  bestDir: string,
  bestEpoch: number | null,
  epoch: number,
): Promise<boolean> {
  if (bestEpoch === null || bestEpoch === epoch) return false;
  const best = await loadModel(bestDir);
  model.setWeights(best.getWeights());
  best.dispose();
  return true;
}
