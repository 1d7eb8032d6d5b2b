/**
 * One training stage: its plan (epochs, learning rate, where the model is cut), its batch
 * sources (cached frozen features, or images through the frozen part) and the epoch loop,
 * which hands all per-epoch work to a {@linkcode CallbackList} (tfjs-layers' `fitLoop`).
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { AugmentOptions } from "../augment/mod.ts";
import type { ExperimentConfig } from "../config.ts";
import { foldedForward } from "../kernels/mod.ts";
import { cutBefore } from "../models/mod.ts";
import type { Rng } from "../util/rng.ts";
import { batchIndices } from "./batches.ts";
import { type CallbackList, EpochEnd } from "./callbacks.ts";
import type { FeatureCache } from "./feature_cache.ts";
import type { HistoryRow } from "./history.ts";
import { type BatchSource, runEpoch } from "./loop.ts";
import type { RunData } from "./prepare.ts";
import type { RunState } from "./run_dir.ts";
import { featureSource, imageSource } from "./sources.ts";

/** One training stage as planned from the config. */
export interface StagePlan {
  stage: 1 | 2;
  epochs: number;
  learningRate: number;
  /** Layer after which the model is cut (frozen before, trained after); null = train all. */
  cut: string | null;
}

/**
 * The paper's stages: the head on the pooled features, then the base from `fineTuneFrom` on.
 * The baseline trains all of its layers in one stage.
 */
export function planStages(config: ExperimentConfig, model: tf.LayersModel): StagePlan[] {
  const stage1 = { stage: 1, epochs: config.stage1Epochs, learningRate: config.stage1LearningRate };
  if (config.model === "baseline") return [{ ...stage1, stage: 1, cut: null }];
  return [
    { ...stage1, stage: 1, cut: "global_average_pooling2d" },
    {
      stage: 2,
      epochs: config.stage2Epochs,
      learningRate: config.stage2LearningRate,
      cut: cutBefore(model, config.fineTuneFrom),
    },
  ];
}

/** The stages still to train after `state`, in order (none once the run is finished). */
export function remainingStages(stages: readonly StagePlan[], state: RunState): StagePlan[] {
  if (state.finished) return [];
  return stages.filter((s) => s.epochs > 0 && s.stage >= state.stage);
}

/** Training and validation batches of a stage. */
export interface StageSources {
  /** The training source of the stage's `stageEpoch`-th epoch (0-based). */
  train: (stageEpoch: number) => BatchSource;
  val: BatchSource;
  /** Frees what the sources hold for the stage. */
  dispose(): void;
}

/** Arguments of {@linkcode stageSources}. */
export interface StageSourcesArgs {
  plan: StagePlan;
  /** All stages of the run (stage 1 computes features at a later stage's cut first). */
  stages: readonly StagePlan[];
  /** The frozen front of the model; null when the stage trains all layers. */
  frozen: tf.LayersModel | null;
  /** Cached frozen features; null to run images through the frozen part every epoch. */
  features: FeatureCache | null;
  data: RunData;
  /** Augmentation of training images; null for none. */
  augment: AugmentOptions | null;
  /** The stage's generator (augmentation draws from it). */
  rng: Rng;
  /** Receives the seconds spent on features (`featureSeconds`). */
  state: RunState;
  log: (line: string) => Promise<void>;
}

/** Cached frozen features when configured, else images through the (folded) frozen part. */
export async function stageSources(args: StageSourcesArgs): Promise<StageSources> {
  const { plan, frozen, features, data, augment } = args;
  if (frozen && plan.cut && features) return await featureSources(args, features, plan.cut);
  // The frozen part does not change within a stage: fold its BatchNorms once.
  const forward = frozen ? foldedForward(frozen) : undefined;
  const train = imageSource(data.images, data.train, {
    frozen: forward,
    augment: augment ? { rng: args.rng, options: augment } : undefined,
    classWeights: data.classWeights,
    labelSmoothing: data.labelSmoothing,
  });
  return {
    train: () => train,
    val: imageSource(data.images, data.val, { frozen: forward }),
    dispose: () => forward?.dispose(),
  };
}

async function featureSources(
  { plan, stages, data, augment, state, log }: StageSourcesArgs,
  features: FeatureCache,
  cut: string,
): Promise<StageSources> {
  const start = performance.now();
  const reused = features.has(cut);
  // Stage 1 chains from the stage-2 cut when stage 2 is still to come (feature_cache.ts).
  const later = stages.find((s) => s.stage > plan.stage && s.epochs > 0 && s.cut);
  if (later?.cut) await features.get(later.cut, `features at ${later.cut}`);
  const tables = await features.get(cut, `features at ${cut}`);
  const seconds = (performance.now() - start) / 1000;
  state.featureSeconds[`stage${plan.stage}`] = seconds;
  const n = data.train.length * features.views + data.val.length;
  await log(
    `stage ${plan.stage}: frozen features (cut after ${cut}, ${features.views} ` +
      `${augment ? "augmented " : ""}view(s)) ` +
      (reused
        ? "reused from the earlier pass"
        : `ready in ${seconds.toFixed(1)} s (${(n / seconds).toFixed(1)} img/s over ${n} images)`),
  );
  const train = tables.train.map((t) =>
    featureSource(t, data.train, data.classWeights, data.labelSmoothing)
  );
  return {
    train: (epoch) => train[epoch % train.length],
    val: featureSource(tables.val, data.val),
    dispose: () => features.drop(cut),
  };
}

/** Arguments of {@linkcode runStage}. */
export interface RunStageArgs {
  plan: StagePlan;
  /** The trained part of the model (its input is the frozen part's output). */
  trainable: tf.LayersModel;
  optimizer: tf.Optimizer;
  sources: StageSources;
  /** Shuffles the batches and seeds Dropout. */
  rng: Rng;
  /** Training and validation example counts. */
  examples: { train: number; val: number };
  batchSize: number;
  /** Train BatchNorm with batch statistics (models trained from scratch). */
  trainBatchNorm: boolean;
  /** Epochs completed before this call: over all stages, and within this stage. */
  done: { epoch: number; stageEpoch: number };
  /** Planned epochs over all stages. */
  totalEpochs: number;
}

/**
 * Trains the stage's remaining epochs: for each, one pass over shuffled training batches and
 * one validation pass, then the callbacks, in order, until one stops the stage or its epochs
 * are done.
 */
export async function runStage(args: RunStageArgs, callbacks: CallbackList): Promise<void> {
  const { plan, trainable, sources, rng, examples, batchSize } = args;
  for (let stageEpoch = args.done.stageEpoch; stageEpoch < plan.epochs; stageEpoch++) {
    const epoch = args.done.epoch + stageEpoch - args.done.stageEpoch + 1;
    const start = performance.now();
    const label = `epoch ${epoch}/${args.totalEpochs} stage ${plan.stage}`;
    await callbacks.onEpochBegin({
      epoch,
      stage: plan.stage,
      totalEpochs: args.totalEpochs,
      examples: examples.train,
      label,
    });
    let done = 0;
    const fit = await runEpoch(
      trainable,
      sources.train(stageEpoch),
      batchIndices(examples.train, batchSize, rng),
      {
        optimizer: args.optimizer,
        trainBatchNorm: args.trainBatchNorm,
        rng,
        onBatch: (n) => callbacks.onBatchEnd(n, done += n),
      },
    );
    const forward = foldedForward(trainable);
    const evaluated = await runEpoch(
      trainable,
      sources.val,
      batchIndices(examples.val, batchSize),
      {
        forward,
      },
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
    const end = new EpochEnd(row, stageEpoch + 1 >= plan.epochs);
    await callbacks.onEpochEnd(end);
    if (end.stageOver) return;
  }
}
