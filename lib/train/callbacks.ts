/**
 * What happens between epochs: early stopping, keeping the best checkpoint, and reporting
 * (one line per epoch, and a live table in Jupyter). Their state is plain JSON so a run can
 * save and resume it.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { saveModel } from "../models/mod.ts";
import type { HistoryRow } from "./history.ts";
import { replaceDir } from "./run_dir.ts";

/** Quantities early stopping and checkpointing can watch. */
export type Monitor = "val_accuracy" | "val_loss";

/** Whether `value` beats `best` for `monitor` (strictly, as Keras with min_delta 0). */
export function improves(monitor: Monitor, value: number, best: number | null): boolean {
  if (!Number.isFinite(value)) return false;
  if (best === null) return true;
  return monitor === "val_loss" ? value < best : value > best;
}

/** Saved state of {@linkcode EarlyStopping}. */
export interface EarlyStoppingState {
  best: number | null;
  bestEpoch: number | null;
  /** Epochs since the last improvement. */
  wait: number;
}

/**
 * Stops a stage after `patience` epochs without improvement of `monitor` (Keras semantics:
 * patience 3 means the 4th epoch without improvement stops).
 */
export class EarlyStopping {
  state: EarlyStoppingState;
  constructor(
    readonly monitor: Monitor,
    readonly patience: number,
    state?: EarlyStoppingState,
  ) {
    this.state = state ? { ...state } : { best: null, bestEpoch: null, wait: 0 };
  }
  /** Records an epoch's value; returns true when training should stop. */
  update(row: HistoryRow): boolean {
    const value = row[this.monitor];
    if (improves(this.monitor, value, this.state.best)) {
      this.state = { best: value, bestEpoch: row.epoch, wait: 0 };
      return false;
    }
    this.state.wait++;
    // Keras: stop once `patience` epochs in a row brought no improvement.
    return this.state.wait >= this.patience;
  }
}

/** Saved state of {@linkcode BestCheckpoint}. */
export interface CheckpointState {
  best: number | null;
  epoch: number | null;
}

/** Saves the model to `dir` (atomically, as a whole folder) whenever `monitor` improves. */
export class BestCheckpoint {
  state: CheckpointState;
  constructor(
    readonly dir: string,
    readonly monitor: Monitor = "val_accuracy",
    state?: CheckpointState,
  ) {
    this.state = state ? { ...state } : { best: null, epoch: null };
  }
  /** Saves when `row` improves on the best so far; returns whether it saved. */
  async update(model: tf.LayersModel, row: HistoryRow): Promise<boolean> {
    const value = row[this.monitor];
    if (!improves(this.monitor, value, this.state.best)) return false;
    await replaceDir(this.dir, (tmp) => saveModel(model, tmp));
    this.state = { best: value, epoch: row.epoch };
    return true;
  }
}

/** A one-line summary of an epoch, for logs and terminals. */
export function formatEpoch(row: HistoryRow, totalEpochs: number, note = ""): string {
  const f = (x: number) => x.toFixed(4);
  return `epoch ${row.epoch}/${totalEpochs} stage ${row.stage}: loss ${f(row.loss)} ` +
    `accuracy ${f(row.accuracy)} val_loss ${f(row.val_loss)} val_accuracy ${f(row.val_accuracy)} ` +
    `lr ${row.lr} ${row.seconds.toFixed(1)} s ${row.img_per_s.toFixed(1)} img/s${
      note ? ` ${note}` : ""
    }`;
}

/** The part of `Deno.jupyter` used here. */
export interface JupyterApi {
  display(
    obj: unknown,
    options?: { raw?: boolean; display_id?: string; update?: boolean },
  ): unknown;
}

/** Live history table in a Jupyter notebook (Deno kernel); a no-op elsewhere. */
export class JupyterDisplay {
  readonly #jupyter: JupyterApi | undefined;
  readonly #id = `cxr-train-${crypto.randomUUID()}`;
  #shown = false;
  /** `jupyter`: the notebook API; default `Deno.jupyter` when the kernel provides it. */
  constructor(jupyter?: JupyterApi) {
    if (jupyter) {
      this.#jupyter = jupyter;
      return;
    }
    try {
      this.#jupyter = (Deno as unknown as { jupyter?: JupyterApi }).jupyter;
    } catch {
      // Deno's getter throws outside the `deno jupyter` kernel.
      this.#jupyter = undefined;
    }
  }
  /** Whether a notebook kernel is present. */
  get available(): boolean {
    return this.#jupyter !== undefined;
  }
  /** Shows (first call) or updates (later calls) the table of `rows` with a status line. */
  update(rows: readonly HistoryRow[], status: string): void {
    if (!this.#jupyter) return;
    const head = "<tr><th>epoch</th><th>stage</th><th>loss</th><th>accuracy</th>" +
      "<th>val_loss</th><th>val_accuracy</th><th>lr</th><th>s</th><th>img/s</th></tr>";
    const body = rows.map((r) =>
      `<tr><td>${r.epoch}</td><td>${r.stage}</td><td>${r.loss.toFixed(4)}</td>` +
      `<td>${r.accuracy.toFixed(4)}</td><td>${r.val_loss.toFixed(4)}</td>` +
      `<td>${r.val_accuracy.toFixed(4)}</td><td>${r.lr}</td><td>${r.seconds.toFixed(1)}</td>` +
      `<td>${r.img_per_s.toFixed(1)}</td></tr>`
    ).join("");
    const bundle = {
      "text/plain": status,
      "text/html": `<p>${status}</p><table>${head}${body}</table>`,
    };
    this.#jupyter.display(bundle, { raw: true, display_id: this.#id, update: this.#shown });
    this.#shown = true;
  }
}
