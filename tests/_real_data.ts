/**
 * The real dataset and ImageNet weights that integration tests read, where lib/paths.ts finds
 * them (`CXR_DATA_DIR`, `CXR_WEIGHTS_DIR`, else the folders under `data/`). When they are not
 * there the test fails saying which variable to set.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { dataRoot, weightsDir } from "../lib/paths.ts";

/** The Kaggle chest_xray folder (with `train/` and `test/`). */
export function realDataRoot(): string {
  const root = dataRoot();
  if (!existsSync(join(root, "train"))) {
    throw new Error(
      `this test reads the real chest X-ray dataset, which is not at ${root}: set CXR_DATA_DIR ` +
        `to its folder (the one holding train/ and test/), or get it with 'deno task cxr data fetch'`,
    );
  }
  return root;
}

/** The MobileNetV2 ImageNet weights artifact (`weights.json` + `weights.bin`). */
export function realWeightsDir(): string {
  const dir = weightsDir();
  if (!existsSync(join(dir, "weights.json"))) {
    throw new Error(
      `this test reads the MobileNetV2 ImageNet weights, which are not at ${dir}: set ` +
        `CXR_WEIGHTS_DIR to their folder (weights.json, weights.bin), or get them with ` +
        `'deno task cxr weights fetch'`,
    );
  }
  return dir;
}
