/**
 * Reading run directories (see .dev/INTERFACES.md: config.json, history.json, eval-<split>/,
 * efficiency.json) into records the report aggregates, and naming which evaluation protocol
 * each run's test metrics belong to.
 *
 * @module
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import type { ExperimentConfig, SplitStrategy } from "../config.ts";
import { fail } from "../errors.ts";
import type { MetricsSummary, PredictionRow } from "../metrics/mod.ts";
import { readPredictionsCsv } from "../metrics/mod.ts";
import { exists } from "../util/fs.ts";
import type { Efficiency } from "./efficiency.ts";

/** The three evaluation protocols of the report (the split strategy the run trained with). */
export type Protocol = SplitStrategy;
/** Protocols in report order. */
export const PROTOCOLS: readonly Protocol[] = ["paper", "patient", "official"];
/** What each protocol is, for table headers. */
export const PROTOCOL_LABELS: Readonly<Record<Protocol, string>> = {
  paper: "image-level 80/10/10 (the paper's)",
  patient: "patient-level 80/10/10",
  official: "official 624-image test",
};

/** Display names of the model families. */
export const MODEL_LABELS: Readonly<Record<string, string>> = {
  mobilenetv2: "MobileNetV2",
  baseline: "baseline CNN (stand-in)",
};

/** One epoch of a run's history.json (the columns the report uses). */
export interface HistoryEntry {
  epoch: number;
  stage: number;
  val_accuracy: number;
  seconds: number;
  img_per_s: number;
}

/** One evaluation of a run: `<run>/eval-<split>/metrics.json`, predictions read on demand. */
export interface EvalRecord {
  dir: string;
  /** NaN metrics are `null` in JSON. */
  metrics: MetricsSummary;
}

/** Everything the report needs from one run directory. */
export interface RunRecord {
  dir: string;
  config: ExperimentConfig;
  /** By eval split name ("test", "val", "official-test"). */
  evals: Record<string, EvalRecord>;
  history: HistoryEntry[];
  efficiency?: Efficiency;
  /** Minutes from the first to the last line of `train.log` (see {@linkcode logSpanMinutes}). */
  trainingMinutes?: number;
}

/**
 * Minutes between the first and the last ISO-timestamped line of a `train.log` text: the
 * training wall time (frozen features, both stages, checkpoints), plus any pause when the run
 * was resumed. Undefined with fewer than two timestamped lines.
 */
export function logSpanMinutes(log: string): number | undefined {
  const times = log.split("\n")
    .map((line) => Date.parse(line.slice(0, line.indexOf(" "))))
    .filter((t) => Number.isFinite(t));
  if (times.length < 2) return undefined;
  return (times[times.length - 1] - times[0]) / 60_000;
}

async function readJsonIfAny<T>(path: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return undefined;
  }
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    fail(`${path} is not valid JSON (${(err as Error).message}); rerun the step that writes it`);
  }
}

/** Reads one run directory; CxrError when it has no config.json. */
export async function readRun(dir: string): Promise<RunRecord> {
  const config = await readJsonIfAny<ExperimentConfig>(join(dir, "config.json"));
  if (!config) fail(`${dir} is not a run directory (no config.json); train it first`);
  const evals: Record<string, EvalRecord> = {};
  for (const name of await readdir(dir)) {
    if (!name.startsWith("eval-")) continue;
    const metrics = await readJsonIfAny<MetricsSummary>(join(dir, name, "metrics.json"));
    if (metrics) evals[name.slice("eval-".length)] = { dir: join(dir, name), metrics };
  }
  return {
    dir,
    config,
    evals,
    history: (await readJsonIfAny<HistoryEntry[]>(join(dir, "history.json"))) ?? [],
    efficiency: await readJsonIfAny<Efficiency>(join(dir, "efficiency.json")),
    trainingMinutes: logSpanMinutes(await readFile(join(dir, "train.log"), "utf8").catch(() => "")),
  };
}

/** Every run directory (a folder with config.json) at most `depth` levels below `root`, sorted. */
export async function findRunDirs(root: string, depth = 3): Promise<string[]> {
  const isDir = (p: string) => stat(p).then((s) => s.isDirectory(), () => false);
  if (!(await isDir(root))) return [];
  if (await exists(join(root, "config.json"))) return [root];
  if (depth === 0) return [];
  const found: string[] = [];
  for (const name of (await readdir(root)).sort()) {
    const sub = join(root, name);
    if (await isDir(sub)) found.push(...await findRunDirs(sub, depth - 1));
  }
  return found;
}

/**
 * The run's held-out metrics and their protocol: the test split of its own split strategy.
 * A run split `paper` or `patient` pools the Kaggle folders, so its `official-test` evaluation
 * scores images it trained on and is never used; an `official` run's test split is the
 * official test folder.
 */
export function protocolEval(run: RunRecord): { protocol: Protocol; eval: EvalRecord } | undefined {
  const protocol = run.config.split;
  const ev = run.evals["test"] ??
    (protocol === "official" ? run.evals["official-test"] : undefined);
  return ev ? { protocol, eval: ev } : undefined;
}

/** The predictions of an evaluation (`predictions.csv`). */
export function readEvalPredictions(ev: EvalRecord): Promise<PredictionRow[]> {
  return readPredictionsCsv(join(ev.dir, "predictions.csv"));
}
