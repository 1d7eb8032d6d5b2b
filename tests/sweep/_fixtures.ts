/** A tiny dataset and config so sweep tests run real cells in seconds. */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { WORKSPACE_ROOT } from "../../lib/paths.ts";
import { realWeightsDir } from "../_real_data.ts";
import { tinyDataset } from "../_tiny_dataset.ts";

export const CLI = join(WORKSPACE_ROOT, "lib", "cli", "main.ts");

/** Config fields for a cell of a few seconds: 32 px, 2 + 1 epochs, no feature cache. */
export const TINY_CONFIG = {
  subsetPerClass: 0,
  inputSize: 32,
  batchSize: 8,
  stage1Epochs: 2,
  stage2Epochs: 1,
  fineTuneFrom: "Conv_1",
  cacheFrozenFeatures: false,
};

/** A temp folder with the tiny dataset, the config file and the environment for cells. */
export async function sweepFixture(prefix: string) {
  const tmp = await Deno.makeTempDir({ prefix });
  const data = join(tmp, "data");
  await tinyDataset(data);
  const config = join(tmp, "tiny.json");
  await writeFile(config, JSON.stringify(TINY_CONFIG));
  const env = {
    CXR_DATA_DIR: data,
    CXR_WEIGHTS_DIR: realWeightsDir(),
    CXR_CACHE_DIR: join(tmp, "cache"),
    CXR_BACKEND: "cpu",
    NO_COLOR: "1",
  };
  return { tmp, data, config, env, out: join(tmp, "sweep") };
}

/** `cxr sweep` arguments for the two quick cells (mobilenetv2, paper, seeds 1 and 2) of `f`. */
export function twoCellSweep(f: { config: string; out: string }, ...extra: string[]): string[] {
  const grid = ["--models", "mobilenetv2", "--splits", "paper", "--seeds", "1,2"];
  return ["sweep", ...extra, ...grid, "--profile", "quick", "--config", f.config, "--out", f.out];
}
