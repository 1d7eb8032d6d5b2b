/**
 * Where the workspace finds data, weights and outputs: a flag first, then an environment
 * variable, then a default under the workspace, so notebooks, the CLI and `reproduce` agree.
 *
 * @module
 */
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** The workspace root (the folder holding `deno.json`). */
export const WORKSPACE_ROOT: string = resolve(fileURLToPath(new URL("..", import.meta.url)));

function pick(flag: string | undefined, envName: string, fallback: string): string {
  return resolve(flag ?? Deno.env.get(envName) ?? join(WORKSPACE_ROOT, fallback));
}

/** Dataset root: `--data`, else `CXR_DATA_DIR`, else `data/chest_xray`. */
export function dataRoot(flag?: string): string {
  return pick(flag, "CXR_DATA_DIR", "data/chest_xray");
}

/** ImageNet weights folder: `--weights`, else `CXR_WEIGHTS_DIR`, else `data/weights/mobilenet_v2_imagenet`. */
export function weightsDir(flag?: string): string {
  return pick(flag, "CXR_WEIGHTS_DIR", "data/weights/mobilenet_v2_imagenet");
}

/** Outputs folder: `--outputs`, else `CXR_OUTPUTS_DIR`, else `outputs`. */
export function outputsDir(flag?: string): string {
  return pick(flag, "CXR_OUTPUTS_DIR", "outputs");
}

/** Image cache folder: `CXR_CACHE_DIR`, else `outputs/cache`. */
export function cacheDir(flag?: string): string {
  return pick(flag, "CXR_CACHE_DIR", "outputs/cache");
}
