/**
 * The local executor: runs a sweep's cells on this machine as child processes (`cxr train`,
 * then `cxr evaluate --split test`), `jobs` at a time, with a live table and the time left.
 * Finished cells are skipped; interrupted ones resume (their run folders hold the last
 * completed epoch). Children stop with the sweep: on SIGINT/SIGTERM the sweep ends them, and
 * if the sweep is killed outright they notice their parent is gone (lib/util/parent_watch.ts).
 *
 * @module
 */
import { appendFile, mkdir, readdir, readFile, rename, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { dirname, join } from "node:path";
import { fail } from "../errors.ts";
import { writeJsonAtomic } from "../util/atomic.ts";
import { exists } from "../util/fs.ts";
import { acquireLock } from "../util/lock.ts";
import { PARENT_PID_ENV } from "../util/parent_watch.ts";
import { cellCommands, sweepConfigPath } from "./commands.ts";
import { formatDuration, plannedEpochs, sweepSecondsLeft } from "./estimate.ts";
import { cellName, cellPath, type SweepCell, type SweepFile } from "./grid.ts";
import {
  type CellDiskState,
  cellLogPath,
  errorLine,
  isFinished,
  LOG_MARK,
  readCellState,
} from "./status.ts";
import { runHolder } from "./overview.ts";
import { type CellRow, LiveTable } from "./table.ts";

/** Options of {@linkcode runLocalSweep}. */
export interface LocalSweepOptions {
  /** The sweep folder (sweep.json already recorded there). */
  sweepDir: string;
  sweep: SweepFile;
  /** Cells run at a time. Default 1. */
  jobs?: number;
  /**
   * Where cells that have no folder in the sweep yet are trained; each is moved into the sweep
   * folder once its test evaluation is written, so an interrupted sweep leaves the sweep folder
   * as it was. Default: none (cells train in place).
   */
  workDir?: string;
  /** Table output. Default: a {@linkcode LiveTable} on stdout. */
  table?: LiveTable;
  /** Stops the sweep (running children are ended). */
  signal?: AbortSignal;
  /** Seconds between refreshes of the time left. Default 2. */
  refreshSeconds?: number;
}

/** What {@linkcode runLocalSweep} did. */
export interface LocalSweepResult {
  rows: CellRow[];
  /** Cells finished by this call. */
  ran: number;
  failed: number;
  /** Cells left alone because another process holds their run folder. */
  busy: number;
  interrupted: boolean;
}

interface Slot {
  cell: SweepCell;
  row: CellRow;
  /** Where the cell trains now (the sweep folder, or the work folder). */
  runDir: string;
  finalDir: string;
  state: CellDiskState;
}

/** Runs every unfinished cell of `options.sweep`; see the module doc. */
export async function runLocalSweep(options: LocalSweepOptions): Promise<LocalSweepResult> {
  const { sweepDir, sweep } = options;
  const jobs = Math.max(1, options.jobs ?? 1);
  await mkdir(sweepDir, { recursive: true });
  // One sweep process per folder: two would start the same cells.
  const lock = await acquireLock(join(sweepDir, "sweep.lock"), {
    what: `sweep folder ${sweepDir}`,
  });
  try {
    if (sweep.config) await writeJsonAtomic(sweepConfigPath(sweepDir), sweep.config);
    const slots = await Promise.all(sweep.cells.map((cell) => locateCell(options, cell)));
    const table = options.table ?? new LiveTable();
    const footer = () => {
      const items = slots.map((s) => ({ cell: s.cell, state: s.state }));
      const left = sweepSecondsLeft(sweep.profile, items, jobs, sweep.config);
      const running = slots.filter((s) =>
        s.row.phase === "running" || s.row.phase === "evaluating"
      );
      const done = slots.filter((s) => s.row.phase === "done").length;
      return `${done}/${slots.length} done, ${running.length} running; about ${
        formatDuration(left)
      } left (at most; early stopping can end runs sooner)`;
    };
    const draw = () => table.update(slots.map((s) => s.row), footer());
    draw();

    const children = new Set<Deno.ChildProcess>();
    const stop = () => {
      for (const c of children) {
        try {
          c.kill("SIGTERM");
        } catch { /* already gone */ }
      }
    };
    options.signal?.addEventListener("abort", stop);
    const refresh = setInterval(async () => {
      for (const s of slots) {
        if (s.row.phase === "running") s.state = await readCellState(s.runDir);
      }
      draw();
    }, (options.refreshSeconds ?? 2) * 1000);
    const queue = slots.filter((s) => s.row.phase !== "done");
    let ran = 0;
    const worker = async () => {
      for (let slot = queue.shift(); slot; slot = queue.shift()) {
        if (options.signal?.aborted) return;
        // A run folder another process trains (a plain `cxr train`, another sweep) is left to it.
        const heldBy = await holderAfterGrace(slot.runDir, options.signal);
        if (heldBy) {
          slot.row = { ...slot.row, phase: "busy", heldBy };
          draw();
          continue;
        }
        if (await runCell(options, slot, children, draw)) ran++;
      }
    };
    try {
      await Promise.all(Array.from({ length: jobs }, worker));
    } finally {
      clearInterval(refresh);
      options.signal?.removeEventListener("abort", stop);
    }
    draw();
    return {
      rows: slots.map((s) => s.row),
      ran,
      failed: slots.filter((s) => s.row.phase === "failed").length,
      busy: slots.filter((s) => s.row.phase === "busy").length,
      interrupted: options.signal?.aborted ?? false,
    };
  } finally {
    await lock.release();
  }
}

/**
 * Where a cell trains: its folder in the sweep, unless a work folder is given and the cell has
 * no folder in the sweep yet. A cell already begun in the sweep folder (by an earlier sweep or
 * a plain `cxr train`) resumes there.
 */
export async function cellRunDir(
  sweepDir: string,
  workDir: string | undefined,
  cell: SweepCell,
): Promise<string> {
  const finalDir = join(sweepDir, cellPath(cell));
  return !workDir || await exists(finalDir) ? finalDir : join(workDir, cellPath(cell));
}

/** Where a cell is on disk and how its row starts. */
async function locateCell(options: LocalSweepOptions, cell: SweepCell): Promise<Slot> {
  const finalDir = join(options.sweepDir, cellPath(cell));
  const runDir = await cellRunDir(options.sweepDir, options.workDir, cell);
  const state = await readCellState(runDir, cellLogPath(options.sweepDir, cell));
  const epochs = plannedEpochs(options.sweep.profile, cell.model, options.sweep.config)
    .reduce((a, b) => a + b, 0);
  const row: CellRow = state.finished
    ? { name: cellPath(cell), phase: "done", accuracy: state.accuracy, earlier: true }
    : { name: cellPath(cell), phase: "queued", epochs, resumeFrom: state.epochs || undefined };
  return { cell, row, runDir, finalDir, state };
}

/**
 * The live holder of a run folder's lock, after waiting up to 10 s for it to go: a cell of a
 * sweep killed a moment ago stops within a second, and its process entry can outlive it briefly.
 */
async function holderAfterGrace(
  runDir: string,
  signal?: AbortSignal,
): Promise<string | undefined> {
  let heldBy = await runHolder(runDir);
  for (let i = 0; heldBy && i < 20 && !signal?.aborted; i++) {
    await new Promise((r) => setTimeout(r, 500));
    heldBy = await runHolder(runDir);
  }
  return heldBy;
}

/** Runs one cell's commands; returns whether it finished. */
async function runCell(
  options: LocalSweepOptions,
  slot: Slot,
  children: Set<Deno.ChildProcess>,
  draw: () => void,
): Promise<boolean> {
  const log = cellLogPath(options.sweepDir, slot.cell);
  await mkdir(dirname(log), { recursive: true });
  await appendFile(
    log,
    `${LOG_MARK.start} ${cellName(slot.cell)} ${new Date().toISOString()} on ${hostname()} ` +
      `(pid ${Deno.pid}) in ${slot.runDir}\n`,
  );
  slot.row = { ...slot.row, phase: "running", epochsDone: slot.state.epochs, error: undefined };
  draw();
  const [train, evaluate] = cellCommands(options.sweep, slot.cell, slot.runDir, options.sweepDir);
  for (const [i, args] of [train, evaluate].entries()) {
    if (i === 1) {
      slot.row = { ...slot.row, phase: "evaluating" };
      draw();
    }
    const { code, output } = await runChild(args, log, children, (line) => {
      const m = /^(?:\S+ )?epoch (\d+)\/(\d+) stage/.exec(line) ??
        /resuming .* after epoch (\d+)/.exec(line);
      if (m && slot.row.phase === "running") {
        slot.row = { ...slot.row, epochsDone: Number(m[1]) };
        if (m[2]) slot.row.epochs = Number(m[2]);
        draw();
      }
    });
    if (options.signal?.aborted) {
      await appendFile(log, `${LOG_MARK.failed} interrupted (the sweep was stopped)\n`);
      slot.row = { ...slot.row, phase: "queued", resumeFrom: slot.row.epochsDone };
      return false;
    }
    if (code !== 0) {
      const error = errorLine(output);
      await appendFile(log, `${LOG_MARK.failed} ${error}\n`);
      slot.row = { ...slot.row, phase: "failed", error };
      draw();
      return false;
    }
  }
  if (slot.runDir !== slot.finalDir) await moveRunDir(slot.runDir, slot.finalDir);
  slot.state = await readCellState(slot.finalDir);
  await appendFile(log, `${LOG_MARK.done} test accuracy ${slot.state.accuracy}\n`);
  slot.row = { name: slot.row.name, phase: "done", accuracy: slot.state.accuracy };
  draw();
  return true;
}

/** Runs `deno <args>`, appending its output to `log`; keeps the last 200 lines for errors. */
async function runChild(
  args: string[],
  log: string,
  children: Set<Deno.ChildProcess>,
  onLine: (line: string) => void,
): Promise<{ code: number; output: string }> {
  const child = new Deno.Command(Deno.execPath(), {
    args,
    env: { [PARENT_PID_ENV]: String(Deno.pid), NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  children.add(child);
  const tail: string[] = [];
  const pump = async (stream: ReadableStream<Uint8Array>) => {
    let pending = "";
    for await (const text of stream.pipeThrough(new TextDecoderStream())) {
      pending += text;
      const lines = pending.split(/\r?\n|\r/);
      pending = lines.pop() ?? "";
      if (lines.length) await appendFile(log, lines.join("\n") + "\n");
      for (const line of lines) {
        tail.push(line);
        if (tail.length > 200) tail.shift();
        onLine(line);
      }
    }
    if (pending) {
      await appendFile(log, pending + "\n");
      tail.push(pending);
    }
  };
  const [status] = await Promise.all([child.status, pump(child.stdout), pump(child.stderr)]);
  children.delete(child);
  return { code: status.code, output: tail.join("\n") };
}

/**
 * Moves a finished run folder from the work folder into the sweep folder. Files that name the
 * folder (evaluation metrics and reports, train.log) are rewritten to name where it now lives.
 */
export async function moveRunDir(from: string, to: string): Promise<void> {
  if (await exists(to)) fail(`cannot move ${from} to ${to}: it already exists`);
  if (!(await isFinished(from))) fail(`${from} is not finished; not moving it`);
  const texts = ["train.log"];
  for (const name of await readdir(from)) {
    if (name.startsWith("eval-")) texts.push(join(name, "metrics.json"), join(name, "report.md"));
  }
  for (const rel of texts) {
    const path = join(from, rel);
    const text = await readFile(path, "utf8").catch(() => null);
    if (text?.includes(from)) await writeFile(path, text.replaceAll(from, to));
  }
  await mkdir(dirname(to), { recursive: true });
  await rename(from, to);
}
