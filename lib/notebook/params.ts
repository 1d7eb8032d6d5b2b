/**
 * Notebook parameters: what `deno task reproduce` passes to every notebook (profile, split
 * strategy, seeds, data/weights/outputs/run folders), read in each notebook's first code cell.
 * Precedence: environment variable, then the JSON params file named by `CXR_PARAMS`, then the
 * defaults, which suit interactive use (the fast `quick` profile). Relative folders (and a
 * relative `CXR_PARAMS`) count from the workspace root, wherever the kernel was started.
 *
 * @module
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type Profile, PROFILES, SPLIT_STRATEGIES, type SplitStrategy } from "../config.ts";
import { fail } from "../errors.ts";
import { dataRoot, fromWorkspace, outputsDir, weightsDir } from "../paths.ts";

export type { Profile, SplitStrategy };

/** The parameters every notebook reads. */
export interface NotebookParams {
  /** `CXR_PROFILE`. Default: "quick". */
  profile: Profile;
  /** `CXR_SPLIT`. Default: "paper" (the paper's image-level 80/10/10 split). */
  split: SplitStrategy;
  /** `CXR_SEEDS`, comma-separated integers. Default: [42]. */
  seeds: number[];
  /** `CXR_DATA_DIR` (relative: from the workspace root). Default: see `dataRoot()` in lib/paths.ts. */
  dataDir: string;
  /** `CXR_WEIGHTS_DIR`. Default: see `weightsDir()` in lib/paths.ts. */
  weightsDir: string;
  /** `CXR_OUTPUTS_DIR`. Default: see `outputsDir()` in lib/paths.ts. */
  outputsDir: string;
  /** `CXR_RUN_DIR`. Default: `<outputsDir>/runs/<profile>`. */
  runDir: string;
}

/** Environment variable of each parameter; `reproduce` sets these for the kernel. */
export const PARAM_ENV: Readonly<Record<keyof NotebookParams, string>> = {
  profile: "CXR_PROFILE",
  split: "CXR_SPLIT",
  seeds: "CXR_SEEDS",
  dataDir: "CXR_DATA_DIR",
  weightsDir: "CXR_WEIGHTS_DIR",
  outputsDir: "CXR_OUTPUTS_DIR",
  runDir: "CXR_RUN_DIR",
};

/** Names the JSON params file (keys as in {@linkcode NotebookParams}). */
export const PARAMS_FILE_ENV = "CXR_PARAMS";

/**
 * Reads the notebook parameters. `defaults` replace the built-in defaults (a notebook may pick
 * its own split, say) but not what the environment or params file sets.
 *
 * @example
 * ```ts
 * import { notebookParams } from "./mod.ts";
 * const params = notebookParams();
 * console.log(params.profile, params.runDir);
 * ```
 */
export function notebookParams(defaults: Partial<NotebookParams> = {}): NotebookParams {
  const file = readParamsFile();
  const raw = (key: keyof NotebookParams): string | undefined => {
    const env = Deno.env.get(PARAM_ENV[key]);
    if (env !== undefined && env !== "") return env;
    const v = file[key];
    return v === undefined ? undefined : Array.isArray(v) ? v.join(",") : String(v);
  };
  const profile = oneOf(raw("profile"), PROFILES, "profile") ?? defaults.profile ?? "quick";
  const split = oneOf(raw("split"), SPLIT_STRATEGIES, "split") ?? defaults.split ?? "paper";
  const seedsText = raw("seeds");
  const seeds = seedsText === undefined ? defaults.seeds ?? [42] : parseSeeds(seedsText);
  const folder = (key: "dataDir" | "weightsDir" | "outputsDir" | "runDir") => {
    const v = raw(key) ?? defaults[key];
    return v ? fromWorkspace(v) : undefined;
  };
  const outputs = outputsDir(folder("outputsDir"));
  return {
    profile,
    split,
    seeds,
    dataDir: dataRoot(folder("dataDir")),
    weightsDir: weightsDir(folder("weightsDir")),
    outputsDir: outputs,
    runDir: folder("runDir") ?? join(outputs, "runs", profile),
  };
}

/** The environment variables that pass `params` to a notebook kernel. */
export function paramsEnv(params: Partial<NotebookParams>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    env[PARAM_ENV[key as keyof NotebookParams]] = Array.isArray(value)
      ? value.join(",")
      : String(value);
  }
  return env;
}

function readParamsFile(): Partial<Record<keyof NotebookParams, unknown>> {
  const name = Deno.env.get(PARAMS_FILE_ENV);
  if (!name) return {};
  const path = fromWorkspace(name);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    fail(
      `cannot read the params file ${path} (from ${PARAMS_FILE_ENV}): ${(err as Error).message}`,
    );
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    fail(`params file ${path} must hold a JSON object such as {"profile": "quick"}`);
  }
  const unknown = Object.keys(value).filter((k) => !(k in PARAM_ENV));
  if (unknown.length) {
    fail(
      `params file ${path}: unknown key(s) ${unknown.join(", ")}; known: ${
        Object.keys(PARAM_ENV).join(", ")
      }`,
    );
  }
  return value as Partial<Record<keyof NotebookParams, unknown>>;
}

function oneOf<T extends string>(
  v: string | undefined,
  allowed: readonly T[],
  key: keyof NotebookParams,
): T | undefined {
  if (v === undefined) return undefined;
  if (!allowed.includes(v as T)) {
    fail(`${PARAM_ENV[key]}='${v}' is not a valid ${key}; use one of: ${allowed.join(", ")}`);
  }
  return v as T;
}

function parseSeeds(text: string): number[] {
  const seeds = text.split(",").map((s) => s.trim()).filter((s) => s !== "").map(Number);
  if (seeds.length === 0 || !seeds.every(Number.isSafeInteger)) {
    fail(`${PARAM_ENV.seeds}='${text}' must be comma-separated integers, e.g. 42,43,44`);
  }
  return seeds;
}
