/**
 * Where the notebooks' training runs live and how they are configured: one run folder per cell
 * of the sweep recorded in `<params.runDir>/sweep.json` (what `deno task reproduce` trains), or,
 * without one, per model and seed under `<params.runDir>/<split>/`, so notebooks 03–05 and the
 * report find the same folders. A finished run (its test evaluation on disk) is shown from its
 * files, never trained or evaluated again.
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { type ExperimentConfig, loadConfig, type ModelName } from "../config.ts";
import { evaluateRun } from "../evaluate/mod.ts";
import type { MetricsSummary } from "../metrics/mod.ts";
import {
  cellPath,
  expandGrid,
  FINISHED_FILE,
  isFinished,
  readSweep,
  type SweepCell,
} from "../sweep/mod.ts";
import { type HistoryRow, trainRun } from "../train/mod.ts";
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
  return cellConfig(params, { model, split: params.split, seed, patientKey: "person-type" });
}

/** The config of a cell: the profile's defaults with the cell's model, split, seed and key. */
export function cellConfig(params: NotebookParams, cell: SweepCell): Promise<ExperimentConfig> {
  return loadConfig({
    profile: params.profile,
    overrides: {
      model: cell.model,
      split: cell.split,
      seed: cell.seed,
      patientKey: cell.patientKey,
      dataRoot: params.dataDir,
      weightsDir: params.weightsDir,
    },
  });
}

/**
 * The runs of `model` the notebooks show: the cells of `<runDir>/sweep.json` when there is one,
 * else `params.split` x `params.seeds`.
 */
export async function notebookCells(
  params: NotebookParams,
  model: ModelName,
): Promise<SweepCell[]> {
  const sweep = await readSweep(params.runDir);
  if (sweep) return sweep.cells.filter((c) => c.model === model);
  return expandGrid({ models: [model], splits: [params.split], seeds: params.seeds });
}

/** A cell's run folder: `<runDir>/<split label>/<model>-seed<N>`. */
export function cellRunDir(params: NotebookParams, cell: SweepCell): string {
  return join(params.runDir, cellPath(cell));
}

/** A trained run as the notebooks show it. */
export interface TrainedRun {
  cell: SweepCell;
  runDir: string;
  history: HistoryRow[];
  best: { epoch: number | null; value: number | null };
  /** Read from a finished run's files (nothing was trained). */
  fromFiles: boolean;
  resumed: boolean;
}

/** A finished run's history and best epoch from its files; otherwise trains (or resumes) it. */
export async function trainedRun(params: NotebookParams, cell: SweepCell): Promise<TrainedRun> {
  const runDir = cellRunDir(params, cell);
  const config = await cellConfig(params, cell);
  if (await isFinished(runDir)) {
    const history = JSON.parse(
      await readFile(join(runDir, "history.json"), "utf8"),
    ) as HistoryRow[];
    const better = (a: number, b: number) => config.monitor === "val_loss" ? a < b : a > b;
    let best: HistoryRow | undefined;
    for (const row of history) {
      if (!best || better(row[config.monitor], best[config.monitor])) best = row;
    }
    const value = best ? best[config.monitor] : null;
    return {
      cell,
      runDir,
      history,
      best: { epoch: best?.epoch ?? null, value },
      fromFiles: true,
      resumed: false,
    };
  }
  const r = await trainRun({ config, runDir });
  return { cell, runDir, history: r.history, best: r.best, fromFiles: false, resumed: r.resumed };
}

/** A test evaluation as the notebooks show it. */
export interface EvaluatedRun {
  cell: SweepCell;
  runDir: string;
  /** `<runDir>/eval-test`. */
  outDir: string;
  metrics: MetricsSummary;
  fromFiles: boolean;
}

/** A finished run's test metrics from its files; otherwise evaluates its best checkpoint. */
export async function evaluatedRun(
  params: NotebookParams,
  cell: SweepCell,
  options: { gradcamPerOutcome?: number } = {},
): Promise<EvaluatedRun> {
  const runDir = cellRunDir(params, cell);
  if (await isFinished(runDir)) {
    const metrics = JSON.parse(
      await readFile(join(runDir, FINISHED_FILE), "utf8"),
    ) as MetricsSummary;
    return { cell, runDir, outDir: join(runDir, "eval-test"), metrics, fromFiles: true };
  }
  const r = await evaluateRun({ runDir, split: "test", ...options });
  return { cell, runDir, outDir: r.outDir, metrics: r.metrics, fromFiles: false };
}
