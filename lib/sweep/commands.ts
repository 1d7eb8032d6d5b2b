/**
 * What a cell runs, the same on every executor: `cxr train` into the cell's run folder, then
 * `cxr evaluate --split test` (which marks it finished). Both resume or skip what is done, so
 * running a cell again is always safe.
 *
 * @module
 */
import { join } from "node:path";
import { WORKSPACE_ROOT } from "../paths.ts";
import type { SweepCell, SweepFile } from "./grid.ts";

/** Config fields of `sweep.json` handed to `cxr train --config` (not `config.json`: that names a run folder). */
export function sweepConfigPath(sweepDir: string): string {
  return join(sweepDir, "sweep-config.json");
}

/** The CLI entry every cell command runs. */
export const CLI_MAIN: string = join(WORKSPACE_ROOT, "lib", "cli", "main.ts");

/** Arguments after `deno run -A <cli>` for a cell's training into `runDir`. */
export function trainArgs(
  sweep: SweepFile,
  cell: SweepCell,
  runDir: string,
  sweepDir: string,
): string[] {
  return [
    "train",
    "--run-dir",
    runDir,
    "--model",
    cell.model,
    "--split",
    cell.split,
    "--seed",
    String(cell.seed),
    "--patient-key",
    cell.patientKey,
    "--profile",
    sweep.profile,
    ...(sweep.config ? ["--config", sweepConfigPath(sweepDir)] : []),
    ...sweep.trainFlags,
  ];
}

/** Arguments after `deno run -A <cli>` for a cell's test evaluation. */
export function evaluateArgs(runDir: string): string[] {
  return ["evaluate", "--run-dir", runDir, "--split", "test"];
}

/** Both commands of a cell as argv lists for the Deno executable. */
export function cellCommands(
  sweep: SweepFile,
  cell: SweepCell,
  runDir: string,
  sweepDir: string,
): string[][] {
  return [
    ["run", "-A", CLI_MAIN, ...trainArgs(sweep, cell, runDir, sweepDir)],
    ["run", "-A", CLI_MAIN, ...evaluateArgs(runDir)],
  ];
}
