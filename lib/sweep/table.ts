/**
 * The sweep's live table: one row per cell (queued, running epoch k/E, evaluating, done with
 * its test accuracy, failed with the error line) and a footer with the time left. On a terminal
 * the table is redrawn in place; elsewhere (logs, CI, Slurm) a line is printed per change.
 *
 * @module
 */

/** Where a cell is. */
export type CellPhase = "queued" | "running" | "evaluating" | "done" | "failed" | "busy";

/** One row of the table. */
export interface CellRow {
  /** `<splitLabel>/<model>-seed<N>`. */
  name: string;
  phase: CellPhase;
  /** Epochs completed and planned (running). */
  epochsDone?: number;
  epochs?: number;
  /** Test accuracy (done). */
  accuracy?: number;
  /** Whether it was finished before this sweep started. */
  earlier?: boolean;
  /** The error line (failed). */
  error?: string;
  /** The other process that holds its run folder (busy), e.g. "pid 12 on vm". */
  heldBy?: string;
  /** Epochs already on disk when queued (an interrupted run that will resume). */
  resumeFrom?: number;
}

/** A row's status text, e.g. `running epoch 3/15` or `done, test accuracy 0.9591`. */
export function describeRow(row: CellRow): string {
  switch (row.phase) {
    case "queued":
      return row.resumeFrom ? `queued (resumes after epoch ${row.resumeFrom})` : "queued";
    case "running": {
      const next = Math.min((row.epochsDone ?? 0) + 1, row.epochs ?? Infinity);
      return `running epoch ${next}/${row.epochs ?? "?"}`;
    }
    case "evaluating":
      return "evaluating on the test split";
    case "done":
      return `done, test accuracy ${row.accuracy?.toFixed(4) ?? "n/a"}${
        row.earlier ? " (finished earlier)" : ""
      }`;
    case "failed":
      return `failed: ${row.error ?? "unknown error"}`;
    case "busy":
      return `left alone: another process trains it (${row.heldBy ?? "unknown"})`;
  }
}

/** The table as text lines (name column padded). */
export function formatTable(rows: CellRow[], footer?: string): string[] {
  const width = Math.max(4, ...rows.map((r) => r.name.length));
  const lines = rows.map((r) => `${r.name.padEnd(width)}  ${describeRow(r)}`);
  if (footer) lines.push(footer);
  return lines;
}

/** Options of {@linkcode LiveTable}. */
export interface LiveTableOptions {
  /** Redraw in place. Default: whether stdout is a terminal. */
  tty?: boolean;
  /** Where text goes. Default: stdout. */
  write?: (text: string) => void;
}

/** Shows successive states of the table: redrawn on a terminal, changed rows otherwise. */
export class LiveTable {
  #tty: boolean;
  #write: (text: string) => void;
  #drawn = 0;
  #last = new Map<string, string>();

  constructor(options: LiveTableOptions = {}) {
    this.#tty = options.tty ?? Deno.stdout.isTerminal();
    const encoder = new TextEncoder();
    this.#write = options.write ?? ((t) => Deno.stdout.writeSync(encoder.encode(t)));
  }

  /** Shows `rows`; `footer` (time left) is shown with every redraw or line of changes. */
  update(rows: CellRow[], footer?: string): void {
    if (this.#tty) {
      const lines = formatTable(rows, footer);
      const up = this.#drawn ? `\x1b[${this.#drawn}A\x1b[J` : "";
      this.#write(up + lines.map((l) => l + "\n").join(""));
      this.#drawn = lines.length;
      return;
    }
    const changed: string[] = [];
    for (const row of rows) {
      const text = describeRow(row);
      if (this.#last.get(row.name) === text) continue;
      this.#last.set(row.name, text);
      changed.push(`${row.name}: ${text}`);
    }
    if (changed.length === 0) return;
    this.#write(changed.map((l) => l + "\n").join("") + (footer ? `  ${footer}\n` : ""));
  }
}
