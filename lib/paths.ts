/**
 * Where the workspace finds data, weights and outputs: a flag first, then an environment
 * variable, then a default under the workspace, so notebooks, the CLI and `reproduce` agree.
 * A relative flag counts from the current directory (as any command-line path does); a relative
 * environment variable counts from the workspace root, so `CXR_DATA_DIR=../data` means the same
 * folder to the CLI and to a notebook kernel started in `notebooks/`.
 *
 * @module
 */
import { isAbsolute, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** The workspace root (the folder holding `deno.json`). */
export const WORKSPACE_ROOT: string = resolve(fileURLToPath(new URL("..", import.meta.url)));

/** `path` made absolute against the workspace root (an absolute path stays as it is). */
export function fromWorkspace(path: string): string {
  return resolve(WORKSPACE_ROOT, path);
}

/**
 * `path` relative to the workspace root (`../data` for a sibling folder), as files meant to be
 * committed store locations, so they name no machine's absolute paths; read them back with
 * {@linkcode fromWorkspace}.
 */
export function toWorkspace(path: string): string {
  return relative(WORKSPACE_ROOT, resolve(path)) || ".";
}

/**
 * `path` as messages, logs and notebook outputs show it: relative to the workspace root when it
 * lies inside the workspace or beside it (`outputs/runs/full`, `../data/chest_xray`), so outputs
 * meant to be committed do not name one machine's folders; absolute when it lies further away.
 */
export function shownPath(path: string): string {
  const absolute = resolve(path);
  const rel = relative(WORKSPACE_ROOT, absolute);
  if (rel === "") return ".";
  return isAbsolute(rel) || rel.startsWith(`..${sep}..`) ? absolute : rel;
}

function pick(flag: string | undefined, envName: string, fallback: string): string {
  if (flag) return resolve(flag);
  return fromWorkspace(Deno.env.get(envName) || fallback);
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
