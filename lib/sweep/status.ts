/**
 * What a cell's files say about it: finished (its test evaluation is on disk), started (epochs
 * in `history.json`), failed (its log's last attempt ended in an error), or not started. The
 * local executor, `cxr sweep status` and `reproduce` read cells the same way.
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { exists } from "../util/fs.ts";
import { cellName, type SweepCell } from "./grid.ts";

/** The test evaluation's metrics (written by `cxr evaluate --split test`). */
export const FINISHED_FILE = join("eval-test", "metrics.json");
/** What `cxr evaluate` writes last: with it, the evaluation is complete (figures included). */
export const EVAL_LAST_FILE = join("eval-test", "report.md");

/** Lines a cell's log uses to mark an attempt (local executor and Slurm script alike). */
export const LOG_MARK = {
  start: "== cell start",
  done: "== cell done",
  failed: "== cell failed:",
} as const;

/** One completed epoch's stage and duration (history.json). */
export interface EpochTime {
  stage: number;
  seconds: number;
}

/** A cell as its files show it. */
export interface CellDiskState {
  /** Test accuracy when finished. */
  accuracy?: number;
  finished: boolean;
  /** Completed epochs (history.json). */
  epochs: number;
  /** Stage and seconds of each completed epoch. */
  epochTimes: EpochTime[];
  /** The error of the last attempt, when it failed and the cell is not finished. */
  error?: string;
}

/** `<sweepDir>/logs/<cell name>.log`. */
export function cellLogPath(sweepDir: string, cell: SweepCell): string {
  return join(sweepDir, "logs", `${cellName(cell)}.log`);
}

async function readJson<T>(path: string): Promise<T | undefined> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as T;
  } catch {
    return undefined;
  }
}

/** Whether `runDir` holds its complete test evaluation. */
export async function isFinished(runDir: string): Promise<boolean> {
  return await exists(join(runDir, FINISHED_FILE)) && await exists(join(runDir, EVAL_LAST_FILE));
}

/** Reads a run folder (and the cell's log, when given) into a {@linkcode CellDiskState}. */
export async function readCellState(runDir: string, logPath?: string): Promise<CellDiskState> {
  const finished = await isFinished(runDir);
  const metrics = finished
    ? await readJson<{ accuracy?: number }>(join(runDir, FINISHED_FILE))
    : undefined;
  const history = (await readJson<Partial<EpochTime>[]>(join(runDir, "history.json"))) ?? [];
  const state: CellDiskState = {
    finished: finished && metrics !== undefined,
    accuracy: metrics?.accuracy,
    epochs: history.length,
    epochTimes: history
      .filter((h) => Number.isFinite(h.seconds) && Number.isFinite(h.stage))
      .map((h) => ({ stage: h.stage!, seconds: h.seconds! })),
  };
  if (!state.finished && logPath) state.error = await lastFailure(logPath);
  return state;
}

/** The error of the log's last attempt, or undefined when it did not fail (or never ran). */
export async function lastFailure(logPath: string): Promise<string | undefined> {
  const text = await readFile(logPath, "utf8").catch(() => "");
  const lines = text.split("\n");
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i];
    if (line.startsWith(LOG_MARK.failed)) return line.slice(LOG_MARK.failed.length).trim();
    if (line.startsWith(LOG_MARK.start) || line.startsWith(LOG_MARK.done)) return undefined;
  }
  return undefined;
}

/** The line that best explains a failed command: its last `error:` line, else its last line. */
export function errorLine(output: string): string {
  const lines = output.split("\n").map((l) => l.trim()).filter(Boolean);
  const errors = lines.filter((l) => /^error:/i.test(l) || /^error\b/i.test(l));
  return errors.at(-1) ?? lines.at(-1) ?? "no output";
}
