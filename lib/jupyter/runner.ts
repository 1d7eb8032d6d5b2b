/**
 * Executes a notebook headless with a fresh Deno kernel, cell by cell, storing every output in
 * the `.ipynb` as it arrives (the file is rewritten after each cell, so a long run can be
 * watched). Stops at the first failing cell and reports it by number; the kernel is always
 * shut down, also on timeout or abort.
 *
 * @module
 */
import { basename, dirname, resolve } from "node:path";
import { type ExecuteReply, type Kernel, startKernel } from "./kernel.ts";
import {
  type CodeCell,
  DENO_KERNELSPEC,
  joinLines,
  type Notebook,
  type Output,
  readNotebook,
  writeNotebook,
} from "./nbformat.ts";
import { OutputRecorder } from "./outputs.ts";

// Cells are counted one way everywhere: by position among all cells, markdown included (as an
// editor lists them), so "cell 5/13" in progress, a failure in "cell 5" and "13 cells" agree.

/** Why a notebook run stopped early. */
export interface CellFailure {
  /** 1-based position of the cell among all cells of the notebook. */
  cellNumber: number;
  ename: string;
  evalue: string;
  traceback: string[];
}

/** What {@linkcode runNotebook} reports. */
export interface NotebookRun {
  path: string;
  notebook: Notebook;
  /** All cells of the notebook, markdown included (what `cellNumber` counts up to). */
  cells: number;
  /** Code cells executed (including a failing one; empty code cells are skipped). */
  executed: number;
  failure?: CellFailure;
  seconds: number;
}

/** Progress events, for printing. */
export type RunEvent =
  | { kind: "kernel"; notebook: string; seconds: number }
  | {
    kind: "cell-start";
    notebook: string;
    /** 1-based position among all cells. */
    cellNumber: number;
    /** All cells of the notebook. */
    cells: number;
    firstLine: string;
  }
  | { kind: "cell-end"; notebook: string; cellNumber: number; ok: boolean; seconds: number }
  | {
    kind: "stream";
    notebook: string;
    cellNumber: number;
    name: "stdout" | "stderr";
    text: string;
  };

/** Options for {@linkcode runNotebook}. */
export interface RunNotebookOptions {
  /** Extra environment variables for the kernel (notebook parameters). Default: none. */
  env?: Record<string, string>;
  /** Kernel working directory. Default: the notebook's folder (as Jupyter front ends do). */
  cwd?: string;
  /** Longest a single cell may run. Default: 2 h (training cells are long). */
  cellTimeoutMs?: number;
  /** Quiet time on iopub after a cell's last output before it counts as done. Default: 300 ms. */
  settleMs?: number;
  /** Write outputs back into the file after each cell and at the end. Default: true. */
  write?: boolean;
  /** Where the executed notebook is written. Default: `path` itself (outputs stored in place). */
  outPath?: string;
  /** Aborting shuts the kernel down; the run then fails at the current cell. */
  signal?: AbortSignal;
  /** Receives progress events. Default: none. */
  onEvent?: (event: RunEvent) => void;
  /** The `deno` executable. Default: `Deno.execPath()`. */
  denoPath?: string;
}

const TWO_HOURS_MS = 2 * 60 * 60 * 1000;

/**
 * Runs every code cell of the notebook at `path` in order in a fresh kernel and stores the
 * outputs. Resolves with the run (check `failure`); rejects only when the notebook cannot be
 * read or the kernel cannot start.
 */
export async function runNotebook(
  path: string,
  opts: RunNotebookOptions = {},
): Promise<NotebookRun> {
  const started = performance.now();
  const name = basename(path);
  const nb = await readNotebook(path);
  const write = opts.write ?? true;
  const save = () => (write ? writeNotebook(opts.outPath ?? path, nb) : Promise.resolve());
  const codeCells = nb.cells.filter((c): c is CodeCell => c.cell_type === "code");
  for (const c of codeCells) {
    c.outputs = [];
    c.execution_count = null;
  }
  if (opts.signal?.aborted) throw new Error("aborted before the kernel started");

  const kernel: Kernel = await startKernel({
    cwd: opts.cwd ?? dirname(resolve(path)),
    // NO_COLOR keeps ANSI colour codes out of the stored text of results.
    env: { NO_COLOR: "1", ...opts.env },
    denoPath: opts.denoPath,
  });
  const abort = () => void kernel.shutdown();
  opts.signal?.addEventListener("abort", abort);
  if (opts.signal?.aborted) abort(); // aborted while the kernel was starting
  opts.onEvent?.({ kind: "kernel", notebook: name, seconds: (performance.now() - started) / 1000 });
  nb.metadata.kernelspec = { ...DENO_KERNELSPEC };
  if (kernel.info.language_info) nb.metadata.language_info = kernel.info.language_info;

  const recorder = new OutputRecorder();
  let executed = 0;
  let failure: CellFailure | undefined;
  try {
    for (const [index, cell] of nb.cells.entries()) {
      if (cell.cell_type !== "code") continue;
      const source = joinLines(cell.source);
      if (source.trim() === "") continue;
      const cellNumber = index + 1;
      const t0 = performance.now();
      opts.onEvent?.({
        kind: "cell-start",
        notebook: name,
        cellNumber,
        cells: nb.cells.length,
        firstLine: source.trim().split("\n")[0],
      });
      recorder.begin(cell);
      executed++;
      let reply: ExecuteReply;
      try {
        reply = await kernel.execute(source, {
          timeoutMs: opts.cellTimeoutMs ?? TWO_HOURS_MS,
          settleMs: opts.settleMs,
          onMessage: (msg) => {
            recorder.handle(msg);
            if (msg.header.msg_type === "stream") {
              const c = msg.content as { name: "stdout" | "stderr"; text: string };
              opts.onEvent?.({
                kind: "stream",
                notebook: name,
                cellNumber,
                name: c.name,
                text: c.text,
              });
            }
          },
        });
      } catch (err) {
        const ename = opts.signal?.aborted ? "Interrupted" : "KernelError";
        const evalue = opts.signal?.aborted ? "the run was interrupted" : (err as Error).message;
        const out: Output = {
          output_type: "error",
          ename,
          evalue,
          traceback: [`${ename}: ${evalue}`],
        };
        cell.outputs.push(out);
        reply = {
          status: "error",
          execution_count: cell.execution_count,
          ename,
          evalue,
          traceback: [],
        };
      }
      cell.execution_count = reply.execution_count ?? cell.execution_count;
      const ok = reply.status === "ok";
      opts.onEvent?.({
        kind: "cell-end",
        notebook: name,
        cellNumber,
        ok,
        seconds: (performance.now() - t0) / 1000,
      });
      await save();
      if (!ok) {
        const err = cell.outputs.findLast((o) => o.output_type === "error");
        failure = {
          cellNumber,
          ename: reply.ename ?? (err?.output_type === "error" ? err.ename : "Error"),
          evalue: reply.evalue ?? (err?.output_type === "error" ? err.evalue : reply.status),
          traceback: reply.traceback ?? [],
        };
        break;
      }
    }
  } finally {
    opts.signal?.removeEventListener("abort", abort);
    await kernel.shutdown();
  }
  await save();
  const seconds = (performance.now() - started) / 1000;
  return { path, notebook: nb, cells: nb.cells.length, executed, failure, seconds };
}
