/**
 * What a training run needs before its first epoch: the config checked against the run folder,
 * the model (seeded), the split (made once, then read back on resume) and the decoded images.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import { borderMasked } from "../augment/mod.ts";
import { type ExperimentConfig, withNewDefaults } from "../config.ts";
import { CxrError, fail } from "../errors.ts";
import { toWorkspace } from "../paths.ts";
import {
  assertClassesPresent,
  assertSplitClasses,
  type ImageCache,
  type ManifestRow,
  prepareCache,
  readSplit,
  scanDataset,
  type ScanResult,
  type Split,
  splitClassFix,
  splitDataset,
  stratifiedSubset,
  writeSplit,
} from "../data/mod.ts";
import { baselineCnn, mobileNetV2Classifier } from "../models/mod.ts";
import { writeJsonAtomic } from "../util/atomic.ts";
import { exists } from "../util/fs.ts";
import { withSeededRandom } from "../util/rng.ts";
import { balancedClassWeights } from "./batches.ts";
import { readRunConfig, type RunPaths, verifySplitFiles } from "./run_dir.ts";

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
 * The config as `config.json` stores it: data and weights locations relative to the workspace
 * root (a committed run names no machine's folders; {@linkcode configDiff} ignores them).
 */
export function storedConfig(config: ExperimentConfig): ExperimentConfig {
  const rel = (p: string) => (p ? toWorkspace(p) : p);
  return { ...config, dataRoot: rel(config.dataRoot), weightsDir: rel(config.weightsDir) };
}

/** Throws when `runDir` already holds a run of another experiment than `config`. */
export async function assertSameConfig(
  configPath: string,
  config: ExperimentConfig,
  runDir: string,
): Promise<void> {
  if (!(await exists(configPath))) return;
  // Fields added since the run was written take their no-op defaults, so it still resumes.
  const previous = withNewDefaults(await readRunConfig(configPath));
  const diff = configDiff(previous, config);
  if (diff) {
    throw new CxrError(
      `run folder ${runDir} holds a run with a different config (${diff}); ` +
        `rerun with the same settings to resume, or use a new --run-dir`,
    );
  }
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

/**
 * The model a run starts from, its new weights drawn from a generator seeded by the run's seed
 * (see `withSeededRandom`).
 */
export function buildModel(config: ExperimentConfig): Promise<tf.LayersModel> {
  return withSeededRandom(config.seed, async () => {
    if (config.model === "baseline") return baselineCnn({ inputSize: config.inputSize });
    if (!config.weightsDir) {
      fail("config field 'weightsDir' is empty; pass --weights DIR or set CXR_WEIGHTS_DIR");
    }
    return await mobileNetV2Classifier({
      inputSize: config.inputSize,
      dropout: config.dropout,
      weightsDir: config.weightsDir,
    });
  });
}

/** The images a run trains and validates on. */
export interface RunData {
  images: ImageCache;
  /** Training rows whose image decoded. */
  train: ManifestRow[];
  /** Validation rows whose image decoded. */
  val: ManifestRow[];
  /** Per-class loss weights (`classWeights: "balanced"`), else undefined. */
  classWeights: number[] | undefined;
  /** Label smoothing of the training targets (config field `labelSmoothing`). */
  labelSmoothing: number;
}

/**
 * Scans the dataset (unless the run already has its split, so a bad data root leaves no
 * folder), writes the config, makes or reads the split and decodes its images.
 */
export async function prepareData(
  config: ExperimentConfig,
  paths: RunPaths,
  options: { cacheDir?: string; print: (line: string) => void },
): Promise<RunData> {
  const scan = await hasSplit(paths.splits, options.print)
    ? null
    : await scanDataset(config.dataRoot, { progress: false });
  if (scan) assertClassesPresent(scan.rows, config.dataRoot, scan.skipped);
  await writeJsonAtomic(paths.config, storedConfig(config));
  const split = await runSplit(config, paths.splits, scan, options.print);
  if (scan) await verifySplitFiles(paths.last);
  // With `borderMask`, every image is seen with its border blanked (evaluation does the same).
  const images = borderMasked(
    await prepareCache({
      dataRoot: config.dataRoot,
      size: config.inputSize,
      cacheDir: options.cacheDir,
      rows: [...split.train, ...split.val, ...split.test],
      progress: false,
    }),
    config.borderMask,
  );
  const usable = (rows: ManifestRow[]) => rows.filter((r) => images.has(r.sha256));
  const train = usable(split.train);
  const val = usable(split.val);
  if (train.length === 0 || val.length === 0) {
    fail(
      `no decodable training or validation images in ${config.dataRoot} (train ${train.length}, val ${val.length})`,
    );
  }
  assertSplitClasses(
    { train, val },
    `the decodable images of ${paths.splits}`,
    "see the image cache's skipped.csv for the files that did not decode",
  );
  const classWeights = config.classWeights === "balanced" ? balancedClassWeights(train) : undefined;
  return { images, train, val, classWeights, labelSmoothing: config.labelSmoothing };
}

/**
 * Whether the run folder holds its split. A split with a file missing is made again (the same
 * one, from the seed: the checkpoint's checksums of the split files confirm it on resume).
 */
async function hasSplit(splitsDir: string, print: (line: string) => void): Promise<boolean> {
  const files = ["train", "val", "test"].map((s) => join(splitsDir, `${s}.csv`));
  const there = await Promise.all(files.map(exists));
  const missing = files.filter((_, i) => !there[i]);
  if (missing.length > 0 && missing.length < files.length) {
    print(`${missing.join(", ")} missing: making the run's split again from its seed`);
  }
  return missing.length === 0;
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
  assertSplitClasses(
    split,
    `the ${config.split} split of ${config.dataRoot}`,
    splitClassFix(config.split),
  );
  await writeSplit(splitsDir, split, {
    strategy: config.split,
    seed: config.seed,
    ...(config.split === "official" ? { officialVal: config.officialVal } : {}),
    ...(config.split !== "paper" ? { patientKey: config.patientKey } : {}),
    targetFractions: config.fractions,
    dataRoot: toWorkspace(config.dataRoot),
    skipped: scan.skipped,
  });
  print(
    `split ${config.split}: train ${split.train.length}, val ${split.val.length}, test ${split.test.length}`,
  );
  return split;
}
