/**
 * The experiment configuration: one typed object holding every setting of a training run, with
 * the paper's values as defaults, loaded from an optional JSON file and then CLI flags, and
 * validated with messages that name the bad field.
 *
 * Precedence: profile defaults < JSON file (`--config FILE`) < CLI flags.
 *
 * Epochs: `stage1Epochs + stage2Epochs` is the paper's "at most 15 epochs" (default 5 + 10).
 * Stage 1 trains the head on a frozen base at `stage1LearningRate`; stage 2 unfreezes the base
 * from `fineTuneFrom` onwards at `stage2LearningRate`. Early stopping acts within each stage
 * (patience counted per stage), so stage 2 still runs when stage 1 stops early.
 *
 * @example
 * ```ts
 * import { loadConfig } from "./config.ts";
 * const config = await loadConfig({ profile: "quick", overrides: { seed: 3 } });
 * console.log(config.inputSize); // 96
 * ```
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import { PATIENT_KEY_KINDS, type PatientKeyKind } from "./data/patient_id.ts";
import {
  OFFICIAL_VALIDATIONS,
  type OfficialValidation,
  SPLIT_STRATEGIES,
  type SplitStrategy,
} from "./data/split.ts";
import { MODEL_NAMES, type ModelName } from "./models/names.ts";
export { MODEL_NAMES, OFFICIAL_VALIDATIONS, PATIENT_KEY_KINDS, SPLIT_STRATEGIES };
export type { ModelName, OfficialValidation, PatientKeyKind, SplitStrategy };
import { CxrError, fail } from "./errors.ts";

/**
 * Profiles, each a set of defaults:
 * - `full`: the paper's protocol as written: 224 px, 5 + 10 epochs, a fresh augmentation of every
 *   training image every epoch (the frozen part runs on each augmented batch), AdamW decaying
 *   every trainable variable as Keras' `AdamW` does.
 * - `fast`: `full` with the frozen part's output cached once per stage, so each training image
 *   is seen in one fixed augmented view for all epochs (`augmentViews`): several times faster
 *   on a CPU, but not the paper's training. Its results are reported apart from `full`'s.
 * - `quick`: a balanced subset of 48 per class at 96 px, 1 + 1 epochs, cached: a smoke run.
 */
export const PROFILES = ["quick", "fast", "full"] as const;
/** One of {@linkcode PROFILES}. */
export type Profile = typeof PROFILES[number];

/**
 * Which variables AdamW's decoupled weight decay applies to: `all` trainable variables (Keras'
 * `AdamW`, biases and BatchNorm gamma/beta included) or only `kernels` (biases and BatchNorm
 * parameters excluded, matched by name: lib/optim/adamw.ts).
 */
export const WEIGHT_DECAY_SCOPES = ["all", "kernels"] as const;
/** One of {@linkcode WEIGHT_DECAY_SCOPES}. */
export type WeightDecayScope = typeof WEIGHT_DECAY_SCOPES[number];

/** Quantities early stopping and checkpointing can watch (columns of the history). */
export const MONITORS = ["val_accuracy", "val_loss"] as const;
/** One of {@linkcode MONITORS}. */
export type Monitor = typeof MONITORS[number];

/** How training losses weigh the classes: equally, or inversely to their frequency. */
export const CLASS_WEIGHTINGS = ["none", "balanced"] as const;
/** One of {@linkcode CLASS_WEIGHTINGS}. */
export type ClassWeighting = typeof CLASS_WEIGHTINGS[number];

/** Test-time augmentation: none, or the mean of the image's and its mirror's probability. */
export const TTA_MODES = ["none", "flip"] as const;
/** One of {@linkcode TTA_MODES}. */
export type TtaMode = typeof TTA_MODES[number];

/**
 * How the evaluation's operating threshold is set: the fixed 0.5, Youden's J on the validation
 * split, or the highest threshold keeping validation sensitivity >= 0.95. Never chosen on the
 * evaluated (test) images.
 */
export const THRESHOLD_RULES = ["0.5", "youden", "sens95"] as const;
/** One of {@linkcode THRESHOLD_RULES}. */
export type ThresholdRule = typeof THRESHOLD_RULES[number];

/** Augmentation ranges (see lib/augment). A range of 0 disables that transform. */
export interface AugmentConfig {
  /** Whether training images are augmented at all. Default true. */
  enabled: boolean;
  /** Maximum rotation in degrees, drawn uniformly in [-r, r]. Default 10. */
  rotation: number;
  /** Maximum zoom as a fraction, scale drawn uniformly in [1-z, 1+z]. Default 0.1. */
  zoom: number;
  /** Maximum contrast change as a fraction, factor drawn uniformly in [1-c, 1+c]. Default 0.1. */
  contrast: number;
  /** Random horizontal flip with probability 0.5. Default true. */
  flip: boolean;
  /** Maximum shift as a fraction of the side, per axis, drawn uniformly in [-t, t]. Default 0. */
  translation: number;
  /** Maximum brightness change as a fraction of the value range, drawn in [-b, b]. Default 0. */
  brightness: number;
}

/** Every setting of one training run. Stored as `<run-dir>/config.json`. */
export interface ExperimentConfig {
  /** Model family. Default "mobilenetv2". */
  model: ModelName;
  /** Split strategy. Default "patient" (the rigorous one; the paper's is "paper"). */
  split: SplitStrategy;
  /** Profile the defaults came from. Default "full". */
  profile: Profile;
  /** Seed for the split, shuffling, augmentation and subset. Default 42. */
  seed: number;
  /** Square input size in pixels. Default 224 (the baseline's full profile: 96, see below). */
  inputSize: number;
  /** Train/val/test fractions for the "paper" and "patient" splits. Default [0.8, 0.1, 0.1]. */
  fractions: [number, number, number];
  /**
   * What the "patient" split keeps on one side: `personN` with its bacteria/virus type
   * ("person-type"), or `personN` alone ("person", the data's ATTRIBUTION.md's safer choice).
   * Default "person-type".
   */
  patientKey: PatientKeyKind;
  /**
   * Validation of the `official` split (see {@linkcode OFFICIAL_VALIDATIONS}); other splits
   * ignore it. Default "carved".
   */
  officialVal: OfficialValidation;
  /** Images per training step. Default 32. */
  batchSize: number;
  /** Epochs of stage 1 (frozen base, head trained). Default 5 (baseline: all its epochs). */
  stage1Epochs: number;
  /** Epochs of stage 2 (fine-tuning from `fineTuneFrom`). Default 10. For baseline: 0. */
  stage2Epochs: number;
  /** AdamW learning rate in stage 1. Default 1e-4. */
  stage1LearningRate: number;
  /** AdamW learning rate in stage 2. Default 1e-5. */
  stage2LearningRate: number;
  /** AdamW decoupled weight decay (Keras' AdamW default). Default 0.004. */
  weightDecay: number;
  /** Variables the weight decay applies to (see {@linkcode WEIGHT_DECAY_SCOPES}). Default "all". */
  weightDecayScope: WeightDecayScope;
  /** Dropout rate of the head. Default 0.2. */
  dropout: number;
  /**
   * First layer that is trained in stage 2: the base is cut at the output of the layer before
   * it. Default "block_13_expand" (blocks 13-16 and Conv_1 fine-tuned; the cut is the output of
   * block_12_add, a clean point with no skip connection crossing it).
   */
  fineTuneFrom: string;
  /** Epochs without improvement of `monitor` before a stage stops. Default 3. */
  patience: number;
  /** Quantity early stopping and the best checkpoint watch. Default "val_accuracy". */
  monitor: Monitor;
  /** Augmentation of training images. */
  augment: AugmentConfig;
  /** Weight classes by `n / (2 * n_class)` in the loss ("balanced") or not ("none"). Default "none". */
  classWeights: ClassWeighting;
  /**
   * Label smoothing of the training targets: a one-hot target becomes `1 - s/2` and `s/2`
   * (Keras' `label_smoothing` for two classes). 0..0.5. Default 0.
   */
  labelSmoothing: number;
  /**
   * Fraction of the side blanked (set to black) on each edge of every image, in training and
   * evaluation alike, so burnt-in markers and the film's edge cannot be learnt. 0..0.3. Default 0.
   */
  borderMask: number;
  /** Test-time augmentation in evaluation (see {@linkcode TTA_MODES}). Default "none". */
  tta: TtaMode;
  /** The evaluation's operating threshold (see {@linkcode THRESHOLD_RULES}). Default "0.5". */
  threshold: ThresholdRule;
  /**
   * Compute the frozen part's output once per stage and train the rest from that cache. Images
   * are augmented before the frozen part, so with the cache each training image is seen in
   * `augmentViews` fixed augmented versions (cycled over epochs) instead of a fresh one per
   * epoch. Default false (profiles `fast` and `quick`: true).
   */
  cacheFrozenFeatures: boolean;
  /** Augmented views per training image kept in the feature cache. Default 1. */
  augmentViews: number;
  /**
   * Train on a balanced subset of this many images per class (the same number of NORMAL and
   * PNEUMONIA, not the data's class ratio); 0 = all. Default 0 (quick: 48).
   */
  subsetPerClass: number;
  /** Basename of the best checkpoint folder. Default "best_<model>_chestxray". */
  checkpointName: string;
  /** Dataset root (filled from `--data` / CXR_DATA_DIR when empty). */
  dataRoot: string;
  /** ImageNet weights folder (filled from `--weights` / CXR_WEIGHTS_DIR when empty). */
  weightsDir: string;
}

const PAPER_DEFAULTS: ExperimentConfig = {
  model: "mobilenetv2",
  split: "patient",
  profile: "full",
  seed: 42,
  inputSize: 224,
  fractions: [0.8, 0.1, 0.1],
  patientKey: "person-type",
  officialVal: "carved",
  batchSize: 32,
  stage1Epochs: 5,
  stage2Epochs: 10,
  stage1LearningRate: 1e-4,
  stage2LearningRate: 1e-5,
  weightDecay: 0.004,
  weightDecayScope: "all",
  dropout: 0.2,
  fineTuneFrom: "block_13_expand",
  patience: 3,
  monitor: "val_accuracy",
  augment: {
    enabled: true,
    rotation: 10,
    zoom: 0.1,
    contrast: 0.1,
    flip: true,
    translation: 0,
    brightness: 0,
  },
  classWeights: "none",
  labelSmoothing: 0,
  borderMask: 0,
  tta: "none",
  threshold: "0.5",
  cacheFrozenFeatures: false,
  augmentViews: 1,
  subsetPerClass: 0,
  checkpointName: "",
  dataRoot: "",
  weightsDir: "",
};

/** What `fast` changes: the frozen part's output cached, one augmented view per image. */
const FAST: Partial<ExperimentConfig> = {
  profile: "fast",
  cacheFrozenFeatures: true,
  augmentViews: 1,
};

/** What `quick` changes: a balanced subset of 48 per class at 96 px, 1+1 epochs, cached. */
const QUICK: Partial<ExperimentConfig> = {
  profile: "quick",
  cacheFrozenFeatures: true,
  inputSize: 96,
  batchSize: 16,
  stage1Epochs: 1,
  stage2Epochs: 1,
  subsetPerClass: 48,
};

/**
 * The baseline's full profile, cut down for CPU machines. Trained from scratch, every layer runs
 * forward and backward at full resolution. On 2 cores (wasm) an epoch at 96 px (4,683 training
 * images, then validation) took about 310 s, so its 5 epochs take about 26 minutes; 224 px has
 * 5.4 times the pixels, so 15 epochs there would take about 7 hours. Override `inputSize` and
 * `stage1Epochs` (config file or flags) where a faster engine is available.
 */
const BASELINE_FULL: Partial<ExperimentConfig> = { inputSize: 96, stage1Epochs: 5 };

/** Options for {@linkcode loadConfig}. */
export interface LoadConfigOptions {
  /** Profile whose defaults apply first. Default: the file's `profile`, else "full". */
  profile?: Profile;
  /** JSON file with a partial (or complete) config. Default: none. */
  file?: string;
  /** Values from CLI flags; they win over the file. Default: none. */
  overrides?: Partial<ExperimentConfig>;
}

/** The defaults of a profile for a model (baseline has no fine-tuning stage). */
export function defaultConfig(profile: Profile = "full", model: ModelName = "mobilenetv2") {
  const config: ExperimentConfig = structuredClone({
    ...PAPER_DEFAULTS,
    ...(profile === "quick" ? QUICK : profile === "fast" ? FAST : {}),
  });
  config.model = model;
  if (model === "baseline") {
    // Trained from scratch: one stage of all epochs, at Adam's usual 1e-3 (the paper's 1e-4 is
    // for a pretrained base).
    config.stage1Epochs += config.stage2Epochs;
    config.stage2Epochs = 0;
    config.stage1LearningRate = 1e-3;
    config.cacheFrozenFeatures = false;
    if (profile !== "quick") Object.assign(config, BASELINE_FULL);
  }
  return config;
}

/** Loads defaults, then `file`, then `overrides`, and validates the result. */
export async function loadConfig(options: LoadConfigOptions = {}): Promise<ExperimentConfig> {
  let fromFile: Record<string, unknown> = {};
  if (options.file) {
    let text: string;
    try {
      text = await readFile(options.file, "utf8");
    } catch (err) {
      throw new CxrError(`cannot read config file ${options.file}: ${(err as Error).message}`);
    }
    try {
      fromFile = JSON.parse(text);
    } catch (err) {
      fail(`config file ${options.file} is not valid JSON: ${(err as Error).message}`);
    }
    if (typeof fromFile !== "object" || fromFile === null || Array.isArray(fromFile)) {
      fail(`config file ${options.file} must hold a JSON object`);
    }
  }
  const overrides = (options.overrides ?? {}) as Record<string, unknown>;
  const profile = (options.profile ?? overrides.profile ?? fromFile.profile ?? "full") as Profile;
  const model = (overrides.model ?? fromFile.model ?? "mobilenetv2") as ModelName;
  checkEnum("profile", profile, PROFILES);
  checkEnum("model", model, MODEL_NAMES);
  const merged = mergeConfig(defaultConfig(profile, model), fromFile, options.file);
  return validateConfig(mergeConfig(merged, overrides, "flags"));
}

function mergeConfig(
  base: ExperimentConfig,
  patch: Record<string, unknown>,
  source = "input",
): ExperimentConfig {
  const out = structuredClone(base) as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (!(key in out)) {
      fail(
        `unknown config field '${key}' in ${source}; known fields: ${Object.keys(out).join(", ")}`,
      );
    }
    if (key === "augment") {
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        fail(`config field 'augment' must be an object (in ${source})`);
      }
      const aug = out.augment as Record<string, unknown>;
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
        if (!(k in aug)) {
          fail(
            `unknown config field 'augment.${k}' in ${source}; known: ${
              Object.keys(aug).join(", ")
            }`,
          );
        }
        aug[k] = v;
      }
    } else {
      out[key] = value;
    }
  }
  return out as unknown as ExperimentConfig;
}

function checkEnum(field: string, value: unknown, allowed: readonly string[]): void {
  if (typeof value !== "string" || !allowed.includes(value)) {
    fail(
      `config field '${field}' is ${JSON.stringify(value)}; expected one of ${allowed.join(", ")}`,
    );
  }
}

function checkNumber(
  field: string,
  value: unknown,
  { min = -Infinity, max = Infinity, integer = false, exclusiveMin = false } = {},
): void {
  const ok = typeof value === "number" && Number.isFinite(value) &&
    (exclusiveMin ? value > min : value >= min) && value <= max &&
    (!integer || Number.isInteger(value));
  if (!ok) {
    const kind = integer ? "an integer" : "a number";
    const range = `${exclusiveMin ? ">" : ">="} ${min}${max < Infinity ? ` and <= ${max}` : ""}`;
    fail(`config field '${field}' is ${JSON.stringify(value)}; expected ${kind} ${range}`);
  }
}

function checkBoolean(field: string, value: unknown): void {
  if (typeof value !== "boolean") {
    fail(`config field '${field}' is ${JSON.stringify(value)}; expected true or false`);
  }
}

/** Checks every field of `config`; throws a CxrError naming the first bad one. Returns it. */
export function validateConfig(config: ExperimentConfig): ExperimentConfig {
  checkEnum("model", config.model, MODEL_NAMES);
  checkEnum("split", config.split, SPLIT_STRATEGIES);
  checkEnum("profile", config.profile, PROFILES);
  checkEnum("officialVal", config.officialVal, OFFICIAL_VALIDATIONS);
  checkEnum("weightDecayScope", config.weightDecayScope, WEIGHT_DECAY_SCOPES);
  checkEnum("monitor", config.monitor, MONITORS);
  checkEnum("classWeights", config.classWeights, CLASS_WEIGHTINGS);
  checkEnum("patientKey", config.patientKey, PATIENT_KEY_KINDS);
  checkNumber("seed", config.seed, { min: 0, max: 2 ** 32 - 1, integer: true });
  checkNumber("inputSize", config.inputSize, { min: 32, max: 1024, integer: true });
  if (config.inputSize % 32 !== 0) {
    fail(
      `config field 'inputSize' is ${config.inputSize}; expected a multiple of 32 (MobileNetV2 downsamples 32x)`,
    );
  }
  const f = config.fractions;
  if (!Array.isArray(f) || f.length !== 3 || f.some((x) => typeof x !== "number" || !(x > 0))) {
    fail(
      `config field 'fractions' is ${
        JSON.stringify(f)
      }; expected three positive numbers [train, val, test]`,
    );
  }
  if (Math.abs(f[0] + f[1] + f[2] - 1) > 1e-6) {
    fail(`config field 'fractions' sums to ${f[0] + f[1] + f[2]}; expected 1`);
  }
  checkNumber("batchSize", config.batchSize, { min: 1, max: 4096, integer: true });
  checkNumber("stage1Epochs", config.stage1Epochs, { min: 0, max: 1000, integer: true });
  checkNumber("stage2Epochs", config.stage2Epochs, { min: 0, max: 1000, integer: true });
  if (config.stage1Epochs + config.stage2Epochs < 1) {
    fail("config fields 'stage1Epochs' + 'stage2Epochs' must be at least 1");
  }
  if (config.model === "baseline" && config.stage2Epochs > 0) {
    fail(
      "config field 'stage2Epochs' must be 0 for the baseline (it has no pretrained base to fine-tune)",
    );
  }
  checkNumber("stage1LearningRate", config.stage1LearningRate, {
    min: 0,
    max: 1,
    exclusiveMin: true,
  });
  checkNumber("stage2LearningRate", config.stage2LearningRate, {
    min: 0,
    max: 1,
    exclusiveMin: true,
  });
  checkNumber("weightDecay", config.weightDecay, { min: 0, max: 1 });
  checkNumber("dropout", config.dropout, { min: 0, max: 0.99 });
  if (typeof config.fineTuneFrom !== "string" || config.fineTuneFrom === "") {
    fail(
      `config field 'fineTuneFrom' is ${
        JSON.stringify(config.fineTuneFrom)
      }; expected a layer name such as "block_13_expand"`,
    );
  }
  checkNumber("patience", config.patience, { min: 0, max: 1000, integer: true });
  const a = config.augment;
  checkBoolean("augment.enabled", a.enabled);
  checkNumber("augment.rotation", a.rotation, { min: 0, max: 180 });
  checkNumber("augment.zoom", a.zoom, { min: 0, max: 0.9 });
  checkNumber("augment.contrast", a.contrast, { min: 0, max: 1 });
  checkBoolean("augment.flip", a.flip);
  checkNumber("augment.translation", a.translation, { min: 0, max: 0.5 });
  checkNumber("augment.brightness", a.brightness, { min: 0, max: 1 });
  checkNumber("labelSmoothing", config.labelSmoothing, { min: 0, max: 0.5 });
  checkNumber("borderMask", config.borderMask, { min: 0, max: 0.3 });
  checkEnum("tta", config.tta, TTA_MODES);
  checkEnum("threshold", config.threshold, THRESHOLD_RULES);
  checkBoolean("cacheFrozenFeatures", config.cacheFrozenFeatures);
  checkNumber("augmentViews", config.augmentViews, { min: 1, max: 100, integer: true });
  checkNumber("subsetPerClass", config.subsetPerClass, { min: 0, integer: true });
  for (const field of ["checkpointName", "dataRoot", "weightsDir"] as const) {
    if (typeof config[field] !== "string") {
      fail(`config field '${field}' is ${JSON.stringify(config[field])}; expected a string`);
    }
  }
  if (config.checkpointName && !/^[A-Za-z0-9._-]+$/.test(config.checkpointName)) {
    fail(
      `config field 'checkpointName' is ${
        JSON.stringify(config.checkpointName)
      }; expected a plain folder name`,
    );
  }
  return config;
}

/**
 * A stored config.json completed with the defaults of fields added since it was written (their
 * defaults change nothing), so an older run folder still resumes and evaluates as it trained.
 */
export function withNewDefaults(stored: Partial<ExperimentConfig>): ExperimentConfig {
  const base = defaultConfig(stored.profile ?? "full", stored.model ?? "mobilenetv2");
  return {
    ...base,
    ...stored,
    augment: { ...base.augment, ...stored.augment },
  } as ExperimentConfig;
}

/** The best-checkpoint folder name: `checkpointName`, else `best_<model>_chestxray`. */
export function checkpointBasename(config: ExperimentConfig): string {
  return config.checkpointName || `best_${config.model}_chestxray`;
}
