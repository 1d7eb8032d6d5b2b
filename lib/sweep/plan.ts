/**
 * The runs behind REPORT.md and how `deno task reproduce` announces them: the report's grid
 * (MobileNetV2 on the paper's image-level split and the official protocol, 5 seeds each;
 * MobileNetV2 and the baseline on the patient split keyed on `personN`, 3 seeds each), which
 * cells are finished, and the time the rest should take.
 *
 * @module
 */
import type { ModelName, PatientKeyKind, SplitStrategy } from "../config.ts";
import { shownPath } from "../paths.ts";
import {
  describeRates,
  epochRates,
  formatDuration,
  plannedEpochs,
  sweepSecondsLeft,
} from "./estimate.ts";
import { cellPath, expandGrid, type SweepCell, type SweepGrid, uniqueCells } from "./grid.ts";
import { cellRunDir } from "./local.ts";
import { type CellDiskState, cellLogPath, readCellState } from "./status.ts";

/** The grids whose runs REPORT.md aggregates (full profile). */
export const REPORT_GRIDS: readonly SweepGrid[] = [
  { models: ["mobilenetv2"], splits: ["paper", "official"], seeds: [42, 43, 44, 45, 46] },
  {
    models: ["mobilenetv2", "baseline"],
    splits: ["patient"],
    seeds: [42, 43, 44],
    patientKeys: ["person"],
  },
];

/**
 * The runs of the `fast` profile (frozen-feature cache) kept in outputs/runs/fast: MobileNetV2
 * on the three protocols with seeds 42 and 43, the baseline on the patient split with seed 42.
 */
export const FAST_GRIDS: readonly SweepGrid[] = [
  { models: ["mobilenetv2"], splits: ["paper", "official", "patient"], seeds: [42, 43] },
  { models: ["baseline"], splits: ["patient"], seeds: [42] },
];

/** The few-minute smoke run: both models, the paper's split, one seed. */
export const QUICK_GRID: SweepGrid = {
  models: ["mobilenetv2", "baseline"],
  splits: ["paper"],
  seeds: [42],
};

/** What narrows the plan to one split (and its seeds), as `reproduce --split/--seeds` do. */
export interface PlanOptions {
  split?: SplitStrategy;
  seeds?: number[];
  patientKey?: PatientKeyKind;
  models?: ModelName[];
}

/**
 * The cells `reproduce` runs: the report's grids (quick: {@linkcode QUICK_GRID}), or both models
 * on one split and its seeds when a split or seeds are given. `fast`: {@linkcode FAST_GRIDS}.
 */
export function planCells(profile: string, options: PlanOptions = {}): SweepCell[] {
  if (options.split || options.seeds) {
    return expandGrid({
      models: options.models ?? ["mobilenetv2", "baseline"],
      splits: [options.split ?? "paper"],
      seeds: options.seeds ?? [42],
      patientKeys: options.patientKey ? [options.patientKey] : undefined,
    });
  }
  const grids = profile === "quick" ? [QUICK_GRID] : profile === "fast" ? FAST_GRIDS : REPORT_GRIDS;
  return uniqueCells(grids.flatMap(expandGrid));
}

/** A planned cell, where it is and what its files say. */
export interface PlannedCell {
  cell: SweepCell;
  runDir: string;
  state: CellDiskState;
}

/** Reads the state of every planned cell (in the sweep folder, or its work folder). */
export async function readPlan(
  sweepDir: string,
  workDir: string | undefined,
  cells: SweepCell[],
): Promise<PlannedCell[]> {
  const out: PlannedCell[] = [];
  for (const cell of cells) {
    const runDir = await cellRunDir(sweepDir, workDir, cell);
    out.push({ cell, runDir, state: await readCellState(runDir, cellLogPath(sweepDir, cell)) });
  }
  return out;
}

/** The plan as lines: one per cell, then the count and the estimated time. */
export function formatPlan(
  profile: string,
  sweepDir: string,
  items: PlannedCell[],
  jobs: number,
): string[] {
  const width = Math.max(...items.map((i) => cellPath(i.cell).length));
  const lines = [`plan: ${items.length} run(s), profile ${profile}, in ${shownPath(sweepDir)}`];
  for (const { cell, state, runDir } of items) {
    const epochs = plannedEpochs(profile, cell.model, null).reduce((a, b) => a + b, 0);
    const what = state.finished
      ? `finished, test accuracy ${state.accuracy?.toFixed(4) ?? "n/a"} (shown from its files)`
      : state.epochs > 0
      ? `resumes after epoch ${state.epochs} of at most ${epochs} (${shownPath(runDir)})`
      : `to train: at most ${epochs} epochs`;
    lines.push(
      `  ${cellPath(cell).padEnd(width)}  ${what}${
        state.error ? `; last try failed: ${state.error}` : ""
      }`,
    );
  }
  const done = items.filter((i) => i.state.finished).length;
  const rates = epochRates(profile, items);
  const models = [...new Set(items.filter((i) => !i.state.finished).map((i) => i.cell.model))];
  const left = sweepSecondsLeft(profile, items, jobs);
  lines.push(
    done === items.length
      ? `${done} of ${items.length} finished: nothing to train`
      : `${done} of ${items.length} finished; estimated time to train the rest: about ${
        formatDuration(left)
      } with ${jobs} job(s) at a time (at most: early stopping can end runs sooner), from ` +
        describeRates(profile, rates, models as ModelName[]),
  );
  return lines;
}
