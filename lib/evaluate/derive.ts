/**
 * Evaluation variants of a trained run: a new run folder that holds the same trained model (best
 * checkpoint, splits, history, train.log) and a config whose evaluation fields (`tta`,
 * `threshold`) differ, so `cxr evaluate` scores it by those rules and the report lists it as a
 * recipe of its own, beside the run it came from. Nothing is retrained; `derived.json` names the
 * source, which the folder's training records belong to.
 *
 * @module
 */
import { cp, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  checkpointBasename,
  type ExperimentConfig,
  validateConfig,
  withNewDefaults,
} from "../config.ts";
import { fail } from "../errors.ts";
import { toWorkspace } from "../paths.ts";
import { replaceDir } from "../util/atomic.ts";
import { exists } from "../util/fs.ts";

/** The config fields an evaluation variant may change (nothing that training reads). */
export const EVALUATION_FIELDS = ["tta", "threshold"] as const;

/** Arguments of {@linkcode deriveEvaluationRun}. */
export interface DeriveArgs {
  /** The trained run folder. */
  from: string;
  /** The new run folder; must not exist yet. */
  to: string;
  /** The changed evaluation fields; unset fields keep the source's values. */
  changes: Partial<Pick<ExperimentConfig, typeof EVALUATION_FIELDS[number]>>;
}

/** The training records copied with the model (those present). */
const COPIED = ["splits", "history.json", "history.csv", "train.log", "efficiency.json"];

/**
 * Writes `args.to` (atomically: a crash leaves no half folder) and returns its config. Fails,
 * naming the folder, when the source has no config or best checkpoint, or the target exists.
 */
export async function deriveEvaluationRun(args: DeriveArgs): Promise<ExperimentConfig> {
  const configPath = join(args.from, "config.json");
  if (!(await exists(configPath))) {
    fail(`no run config in ${args.from} (config.json missing); train the run first`);
  }
  const source = withNewDefaults(JSON.parse(await readFile(configPath, "utf8")));
  const best = checkpointBasename(source);
  if (!(await exists(join(args.from, best, "model.json")))) {
    fail(`no best checkpoint in ${join(args.from, best)}; train the run first`);
  }
  if (await exists(args.to)) {
    fail(`${args.to} exists already; choose a new folder or remove it first`);
  }
  const config = validateConfig({ ...source, ...args.changes });
  await replaceDir(args.to, async (tmp) => {
    for (const name of [best, ...COPIED]) {
      if (await exists(join(args.from, name))) {
        await cp(join(args.from, name), join(tmp, name), { recursive: true });
      }
    }
    await writeFile(join(tmp, "config.json"), JSON.stringify(config, null, 2) + "\n");
    // Relative to the workspace, so a committed derived.json names no machine's folders.
    const note = { derivedFrom: toWorkspace(args.from), changed: args.changes };
    await writeFile(join(tmp, "derived.json"), JSON.stringify(note, null, 2) + "\n");
  });
  return config;
}
