/**
 * Where the notebooks' training runs live and how they are configured: one run folder per model
 * and seed under `<params.runDir>/<split>/`, configured from the profile's defaults and the
 * notebook parameters, so notebooks 03–05 and the report find the same folders.
 *
 * @module
 */
import { join } from "node:path";
import { type ExperimentConfig, loadConfig, type ModelName } from "../config.ts";
import type { NotebookParams } from "./params.ts";

/** `<params.runDir>/<params.split>/<model>-seed<seed>`. */
export function runDirOf(params: NotebookParams, model: ModelName, seed: number): string {
  return join(params.runDir, params.split, `${model}-seed${seed}`);
}

/**
 * The training config of a notebook run: `params.profile`'s defaults for `model`, with the
 * split, seed, data root and weights folder from `params`.
 */
export function notebookConfig(
  params: NotebookParams,
  model: ModelName,
  seed: number,
): Promise<ExperimentConfig> {
  return loadConfig({
    profile: params.profile,
    overrides: {
      model,
      split: params.split,
      seed,
      dataRoot: params.dataDir,
      weightsDir: params.weightsDir,
    },
  });
}
