/**
 * Sweeps: a grid of training runs (models x splits x seeds x patient keys) as independent,
 * resumable run folders under one sweep folder with a `sweep.json`, run on this machine
 * (local.ts) or as a Slurm job array (slurm.ts), with their status read from the run folders
 * (status.ts, overview.ts) and the time left estimated from measured epochs (estimate.ts).
 *
 * @example
 * ```ts
 * import { expandGrid, recordSweep, runLocalSweep, sweepFile } from "./mod.ts";
 * // One cell: the baseline at 32 px on 4 images per class, one epoch.
 * const cells = expandGrid({ models: ["baseline"], splits: ["paper"], seeds: [1] });
 * const config = { inputSize: 32, subsetPerClass: 4, stage1Epochs: 1 };
 * const sweepDir = await Deno.makeTempDir();
 * const sweep = await recordSweep(sweepDir, sweepFile("quick", cells, { config }));
 * const { failed } = await runLocalSweep({ sweepDir, sweep, jobs: 1 });
 * console.log(failed); // 0
 * ```
 *
 * @module
 */
export {
  cellName,
  cellPath,
  DEFAULT_PATIENT_KEY,
  expandGrid,
  readSweep,
  recordSweep,
  splitLabel,
  sweepFile,
  sweepJsonPath,
  uniqueCells,
} from "./grid.ts";
export type { SweepCell, SweepFile, SweepGrid } from "./grid.ts";
export { cellCommands, CLI_MAIN, evaluateArgs, sweepConfigPath, trainArgs } from "./commands.ts";
export {
  cellLogPath,
  errorLine,
  EVAL_LAST_FILE,
  FINISHED_FILE,
  isFinished,
  lastFailure,
  LOG_MARK,
  readCellState,
} from "./status.ts";
export type { CellDiskState, EpochTime } from "./status.ts";
export {
  cellSecondsLeft,
  DEFAULT_CELL_OVERHEAD_SECONDS,
  DEFAULT_EPOCH_SECONDS,
  describeRates,
  epochRates,
  formatDuration,
  lowerQuartile,
  plannedEpochs,
  sweepSecondsLeft,
} from "./estimate.ts";
export type { EpochRates } from "./estimate.ts";
export { describeRow, formatTable, LiveTable } from "./table.ts";
export type { CellPhase, CellRow, LiveTableOptions } from "./table.ts";
export { cellRunDir, moveRunDir, runLocalSweep } from "./local.ts";
export type { LocalSweepOptions, LocalSweepResult } from "./local.ts";
export { jobsPath, readSubmissions, shQuote, slurmScript, submitSlurmSweep } from "./slurm.ts";
export type { ScriptOptions, SlurmSubmission, SlurmSweepOptions } from "./slurm.ts";
export { describeStatus, formatStatus, slurmStates, sweepStatus } from "./overview.ts";
export type { CellStatus, SweepStatus } from "./overview.ts";
export { FAST_GRIDS, formatPlan, planCells, QUICK_GRID, readPlan, REPORT_GRIDS } from "./plan.ts";
export type { PlannedCell, PlanOptions } from "./plan.ts";
