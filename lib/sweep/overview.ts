/**
 * `cxr sweep status`: every cell of a sweep as its run folder and log show it, completed with
 * what Slurm says about submitted tasks (`squeue`, then `sacct`, when those tools are present).
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { parseHolder, RUN_LOCK } from "../util/lock.ts";
import { processAlive } from "../util/pid.ts";
import { formatDuration, plannedEpochs, sweepSecondsLeft } from "./estimate.ts";
import { cellName, cellPath, type SweepCell, type SweepFile } from "./grid.ts";
import { readSubmissions } from "./slurm.ts";
import { type CellDiskState, cellLogPath, readCellState } from "./status.ts";

/** One cell's status line. */
export interface CellStatus {
  cell: SweepCell;
  state: CellDiskState;
  /** Slurm's state of the cell's latest task (PENDING, RUNNING, FAILED, ...), if known. */
  slurm?: string;
  /** `<jobId>_<task>` of the cell's latest submission. */
  task?: string;
  /** The live process training or evaluating it now (its run folder's lock), e.g. "pid 12 on vm". */
  heldBy?: string;
}

/** Who holds a run folder's lock, when that process is running (or runs on another host). */
export async function runHolder(runDir: string): Promise<string | undefined> {
  const text = await readFile(join(runDir, RUN_LOCK), "utf8").catch(() => null);
  const holder = text === null ? null : parseHolder(text);
  if (!holder || (holder.host === hostname() && !processAlive(holder.pid))) return undefined;
  return `pid ${holder.pid} on ${holder.host}`;
}

/** The sweep's cells with disk and Slurm states. */
export interface SweepStatus {
  sweepDir: string;
  sweep: SweepFile;
  cells: CellStatus[];
}

/** Reads every cell's state (and Slurm's, when the sweep was submitted there). */
export async function sweepStatus(sweepDir: string, sweep: SweepFile): Promise<SweepStatus> {
  const cells: CellStatus[] = [];
  for (const cell of sweep.cells) {
    const runDir = join(sweepDir, cellPath(cell));
    const state = await readCellState(runDir, cellLogPath(sweepDir, cell));
    cells.push({ cell, state, heldBy: state.finished ? undefined : await runHolder(runDir) });
  }
  const submissions = await readSubmissions(sweepDir);
  if (submissions.length) {
    const tasks = new Map<string, string>(); // task -> cell name, latest submission wins
    for (const s of submissions) s.cells.forEach((name, i) => tasks.set(name, `${s.jobId}_${i}`));
    const states = await slurmStates(submissions.map((s) => s.jobId));
    for (const c of cells) {
      c.task = tasks.get(cellName(c.cell));
      if (c.task) c.slurm = states.get(c.task);
    }
  }
  return { sweepDir, sweep, cells };
}

/** Slurm states by `<job>_<task>`: squeue for queued and running tasks, sacct for ended ones. */
export async function slurmStates(jobIds: string[]): Promise<Map<string, string>> {
  const states = new Map<string, string>();
  const sacct = await tool("sacct", [
    "-n",
    "-P",
    "-X",
    "-j",
    jobIds.join(","),
    "-o",
    "JobID,State",
  ]);
  for (const line of sacct.split("\n")) {
    const [id, state] = line.trim().split("|");
    if (id && state && /^\d+_\d+$/.test(id)) states.set(id, state.split(" ")[0]);
  }
  const squeue = await tool("squeue", ["-h", "-r", "-j", jobIds.join(","), "-o", "%i|%T"]);
  for (const line of squeue.split("\n")) {
    const [id, state] = line.trim().split("|");
    if (id && state) states.set(id, state);
  }
  return states;
}

/** A tool's stdout, or "" when it is missing or fails (no accounting, job ids expired). */
async function tool(name: string, args: string[]): Promise<string> {
  try {
    const out = await new Deno.Command(name, { args, stdout: "piped", stderr: "null" }).output();
    return out.code === 0 ? new TextDecoder().decode(out.stdout) : "";
  } catch {
    return "";
  }
}

/** A cell's status in words. */
export function describeStatus(
  s: CellStatus,
  profile: string,
  config: SweepFile["config"],
): string {
  const slurm = s.task ? ` [slurm ${s.task}${s.slurm ? ` ${s.slurm}` : ""}]` : "";
  if (s.state.finished) {
    return `done, test accuracy ${s.state.accuracy?.toFixed(4) ?? "n/a"}${slurm}`;
  }
  const epochs = plannedEpochs(profile, s.cell.model, config).reduce((a, b) => a + b, 0);
  if (s.slurm === "PENDING") return `queued in Slurm${slurm}`;
  if (s.slurm === "RUNNING" || s.heldBy) {
    const by = s.heldBy && !s.slurm ? ` (${s.heldBy})` : "";
    return `running epoch ${Math.min(s.state.epochs + 1, epochs)}/${epochs}${by}${slurm}`;
  }
  if (s.state.error) return `failed: ${s.state.error}${slurm}`;
  if (s.state.epochs > 0) return `interrupted after epoch ${s.state.epochs}/${epochs}${slurm}`;
  return `not started${slurm}`;
}

/** The status as text lines, with a summary and the time left on one worker. */
export function formatStatus(status: SweepStatus): string[] {
  const { sweep } = status;
  const width = Math.max(...status.cells.map((c) => cellPath(c.cell).length));
  const lines = status.cells.map((c) =>
    `${cellPath(c.cell).padEnd(width)}  ${describeStatus(c, sweep.profile, sweep.config)}`
  );
  const done = status.cells.filter((c) => c.state.finished).length;
  const failed = status.cells.filter((c) => !c.state.finished && c.state.error).length;
  const left = sweepSecondsLeft(sweep.profile, status.cells, 1, sweep.config);
  lines.push(
    `${done}/${status.cells.length} done, ${failed} failed (profile ${sweep.profile}, ` +
      `${status.sweepDir}); about ${formatDuration(left)} of work left on one worker`,
  );
  return lines;
}
