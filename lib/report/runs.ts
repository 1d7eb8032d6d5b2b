/**
 * Reading run directories (config.json, history.json, eval-<split>/, efficiency.json, as
 * lib/train and lib/evaluate write them) into records the report aggregates, and naming the
 * cohort each run belongs to: its evaluation protocol, its profile and its recipe
 * (lib/report/recipe.ts). Runs of different cohorts are never averaged together.
 *
 * @module
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { type ExperimentConfig, type Profile, PROFILES } from "../config.ts";
import { fail } from "../errors.ts";
import type { MetricsSummary, PredictionRow } from "../metrics/mod.ts";
import { readPredictionsCsv } from "../metrics/mod.ts";
import { exists } from "../util/fs.ts";
import type { Efficiency } from "./efficiency.ts";
import { PAPER_RECIPE, recipeOf } from "./recipe.ts";

/**
 * The evaluation protocols of the report, in report order: the split strategy the run trained
 * with, and for the patient split its key (`patient-person`: `personN` alone), for the official
 * split where it validated (`official-kaggle-val`: the 16-image Kaggle `val/` folder).
 */
export const PROTOCOLS = [
  "paper",
  "patient",
  "patient-person",
  "official",
  "official-kaggle-val",
] as const;
/** One of {@linkcode PROTOCOLS}. */
export type Protocol = typeof PROTOCOLS[number];
/** What each protocol is, for table headers. */
export const PROTOCOL_LABELS: Readonly<Record<Protocol, string>> = {
  paper: "image-level 80/10/10 (the paper's)",
  patient: "patient-level 80/10/10",
  "patient-person": "patient-level 80/10/10, keyed on personN",
  official: "official 624-image test, validation carved from train/",
  "official-kaggle-val": "official 624-image test, 16-image Kaggle val/",
};

/** The protocol of a run's config (fields older configs lack take their old meaning). */
export function protocolOf(config: ExperimentConfig): Protocol {
  if (config.split === "patient") {
    return config.patientKey === "person" ? "patient-person" : "patient";
  }
  if (config.split === "official") {
    return (config.officialVal ?? "kaggle") === "kaggle" ? "official-kaggle-val" : "official";
  }
  return "paper";
}

/** How each profile trained, for table headers (see lib/config.ts). */
export const PROFILE_LABELS: Readonly<Record<Profile, string>> = {
  full: "paper's training",
  fast: "cached features",
  quick: "quick smoke run",
};

/** A group of runs that may be averaged: one protocol, one profile, one recipe. */
export interface Cohort {
  protocol: Protocol;
  profile: Profile;
  /** The runs' {@linkcode recipeOf}; "" = the paper's recipe. */
  recipe: string;
}

/** The cohort of a run. */
export function cohortOf(run: RunRecord): Cohort {
  return {
    protocol: protocolOf(run.config),
    profile: run.config.profile,
    recipe: recipeOf(run.config),
  };
}

/** Whether two cohorts are the same. */
export function sameCohort(a: Cohort, b: Cohort): boolean {
  return a.protocol === b.protocol && a.profile === b.profile && a.recipe === b.recipe;
}

/** "protocol (profile)", or "protocol (profile; recipe)" off the paper's recipe. */
export function cohortLabel(c: Cohort): string {
  const recipe = c.recipe === PAPER_RECIPE ? "" : `; ${c.recipe}`;
  return `${PROTOCOL_LABELS[c.protocol]} (${PROFILE_LABELS[c.profile]}${recipe})`;
}

/** The cohorts that `runs` hold, profile full first, then protocol order, then recipe. */
export function cohortsOf(runs: readonly RunRecord[]): Cohort[] {
  const rank = (c: Cohort) =>
    (PROFILES.length - PROFILES.indexOf(c.profile)) * PROTOCOLS.length +
    PROTOCOLS.indexOf(c.protocol);
  const found: Cohort[] = [];
  for (const r of runs) {
    const c = cohortOf(r);
    if (!found.some((f) => sameCohort(f, c))) found.push(c);
  }
  // The paper's recipe ("") sorts first within a protocol.
  return found.sort((a, b) =>
    rank(a) - rank(b) || (a.recipe < b.recipe ? -1 : a.recipe > b.recipe ? 1 : 0)
  );
}

/** The runs trained with the paper's recipe: the ones the report's main sections aggregate. */
export function paperRecipeRuns<R extends RunRecord>(runs: readonly R[]): R[] {
  return runs.filter((r) => recipeOf(r.config) === PAPER_RECIPE);
}

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
  /** Minutes of training `train.log` records (see {@linkcode logTrainingMinutes}). */
  trainingMinutes?: number;
  /** The tfjs backend training ran on (see {@linkcode logBackend}). */
  backend?: string;
}

/**
 * Minutes of training a `train.log` text records: from its first to its last ISO-timestamped
 * line (frozen features, both stages, checkpoints), less each stretch that ends at a
 * "resuming" line (the run was stopped there; the epoch it lost is not counted either).
 * Undefined with fewer than two timestamped lines.
 */
export function logTrainingMinutes(log: string): number | undefined {
  const stamped = log.split("\n").map((line) => {
    const space = line.indexOf(" ");
    return { t: Date.parse(line.slice(0, space)), text: line.slice(space + 1) };
  }).filter((l) => Number.isFinite(l.t));
  if (stamped.length < 2) return undefined;
  let ms = 0;
  for (let i = 1; i < stamped.length; i++) {
    if (!stamped[i].text.startsWith("resuming ")) ms += stamped[i].t - stamped[i - 1].t;
  }
  return ms / 60_000;
}

/**
 * The tfjs backend a `train.log` text names: its first line ends with ", backend NAME".
 * Undefined when no line does (a log cut short before training began).
 */
export function logBackend(log: string): string | undefined {
  return /, backend (\S+)$/m.exec(log)?.[1];
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
  const log = await readFile(join(dir, "train.log"), "utf8").catch(() => "");
  return {
    dir,
    config,
    evals,
    history: (await readJsonIfAny<HistoryEntry[]>(join(dir, "history.json"))) ?? [],
    efficiency: await readJsonIfAny<Efficiency>(join(dir, "efficiency.json")),
    trainingMinutes: logTrainingMinutes(log),
    backend: logBackend(log),
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
 * The run's held-out metrics and their cohort: the test split of its own split strategy.
 * A run split `paper` or `patient` pools the Kaggle folders, so its `official-test` evaluation
 * scores images it trained on and is never used; an `official` run's test split is the
 * official test folder.
 */
export function protocolEval(
  run: RunRecord,
): { protocol: Protocol; cohort: Cohort; split: string; eval: EvalRecord } | undefined {
  const cohort = cohortOf(run);
  const split = "test" in run.evals
    ? "test"
    : run.config.split === "official" && "official-test" in run.evals
    ? "official-test"
    : undefined;
  return split ? { protocol: cohort.protocol, cohort, split, eval: run.evals[split] } : undefined;
}

/** The predictions of an evaluation (`predictions.csv`). */
export function readEvalPredictions(ev: EvalRecord): Promise<PredictionRow[]> {
  return readPredictionsCsv(join(ev.dir, "predictions.csv"));
}
