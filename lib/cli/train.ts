/**
 * `deno task cxr train`: two-stage training into a run folder (resumable: rerun the same
 * command after an interruption).
 *
 * @module
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { initBackend, parseBackendName } from "../backend.ts";
import {
  type ExperimentConfig,
  loadConfig,
  type ModelName,
  type OfficialValidation,
  type PatientKeyKind,
  type Profile,
  type SplitStrategy,
} from "../config.ts";
import { dataRoot, weightsDir } from "../paths.ts";
import { trainRun } from "../train/mod.ts";
import { countFlag, requiredFlag } from "./_flags.ts";

const HELP = `usage: deno task cxr train --run-dir DIR [flags]

Trains the paper's two stages (frozen base, then fine-tuning from --fine-tune-from) with AdamW,
early stopping and a best-val_accuracy checkpoint, into DIR (config.json, splits/, history.csv,
history.json, best_<model>_chestxray/, last/, train.log). Rerunning the same command resumes
from the last completed epoch.

  --run-dir DIR          run folder (required)
  --model NAME           mobilenetv2 (default) | baseline
  --split NAME           patient (default) | paper | official
  --patient-key KIND     what the patient split keeps together: person-type (default:
                         personN with bacteria/virus) | person (personN alone, the safer key)
  --profile NAME         full (default: the paper's protocol, 224 px, 5+10 epochs, a fresh
                         augmentation every epoch, Keras' AdamW decay on every variable)
                         | fast (full with the frozen part's output cached: one fixed
                         augmented view per image; several times faster, not the paper's)
                         | quick (96 px, balanced subset of 48 per class, 1+1 epochs, cached)
  --official-val HOW     validation of --split official: carved (default: a stratified
                         patient-level 10% of train/ + val/) | kaggle (the 16-image val/)
  --config FILE          JSON with config fields (lib/config.ts); flags override it
  --data DIR             dataset root (default: CXR_DATA_DIR, else data/chest_xray)
  --weights DIR          ImageNet weights (default: CXR_WEIGHTS_DIR, else data/weights/...)
  --backend NAME         tensorflow | webgpu | wasm | cpu (default: CXR_BACKEND, else the fastest)
  --seed N               seed of split, subset, shuffling and augmentation (default 42)
  --batch-size N         images per step
  --input-size N         input side in pixels (multiple of 32)
  --stage1-epochs N      epochs with the base frozen
  --stage2-epochs N      fine-tuning epochs
  --fine-tune-from NAME  first base layer trained in stage 2 (default block_13_expand)
  --subset N             train on a balanced subset of N per class (0 = all); validation
                         and test get a quarter as many per class (at least 4)
  --no-feature-cache     run the frozen part every epoch (fresh augmentation, slower)
  --augment-views K      with the feature cache: augmented views kept per training image
  --no-augment           no augmentation
  --restart              delete what an earlier run left in DIR (checkpoints, history, log,
                         split, evaluations) and start over instead of resuming

One process trains into DIR at a time (DIR/run.lock names it); a second one exits at once.
`;

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      "run-dir": { type: "string" },
      model: { type: "string" },
      split: { type: "string" },
      "patient-key": { type: "string" },
      "official-val": { type: "string" },
      "augment-views": { type: "string" },
      profile: { type: "string" },
      config: { type: "string" },
      data: { type: "string" },
      weights: { type: "string" },
      backend: { type: "string" },
      seed: { type: "string" },
      "batch-size": { type: "string" },
      "input-size": { type: "string" },
      "stage1-epochs": { type: "string" },
      "stage2-epochs": { type: "string" },
      "fine-tune-from": { type: "string" },
      subset: { type: "string" },
      "no-feature-cache": { type: "boolean" },
      "no-augment": { type: "boolean" },
      restart: { type: "boolean" },
      help: { type: "boolean" },
    },
    strict: true,
  });
  if (values.help) return void console.log(HELP);
  const runDir = requiredFlag("--run-dir DIR", values["run-dir"]);
  const overrides: Partial<ExperimentConfig> = {
    model: values.model as ModelName | undefined,
    split: values.split as SplitStrategy | undefined,
    patientKey: values["patient-key"] as PatientKeyKind | undefined,
    officialVal: values["official-val"] as OfficialValidation | undefined,
    augmentViews: countFlag("augment-views", values["augment-views"]),
    seed: countFlag("seed", values.seed),
    batchSize: countFlag("batch-size", values["batch-size"]),
    inputSize: countFlag("input-size", values["input-size"]),
    stage1Epochs: countFlag("stage1-epochs", values["stage1-epochs"]),
    stage2Epochs: countFlag("stage2-epochs", values["stage2-epochs"]),
    fineTuneFrom: values["fine-tune-from"],
    subsetPerClass: countFlag("subset", values.subset),
    cacheFrozenFeatures: values["no-feature-cache"] ? false : undefined,
  };
  const config = await loadConfig({
    profile: values.profile as Profile | undefined,
    file: values.config,
    overrides,
  });
  if (values["no-augment"]) config.augment.enabled = false;
  // Paths are stored resolved so the run folder records exactly what was used.
  config.dataRoot = values.data || !config.dataRoot
    ? dataRoot(values.data)
    : resolve(config.dataRoot);
  if (config.model === "mobilenetv2") {
    config.weightsDir = values.weights || !config.weightsDir
      ? weightsDir(values.weights)
      : resolve(config.weightsDir);
  }
  await initBackend({ backend: parseBackendName(values.backend) });
  await trainRun({ config, runDir: resolve(runDir), restart: values.restart });
}
