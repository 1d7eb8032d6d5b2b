/**
 * What happens between epochs, as tfjs-layers' callbacks: the training loop (stage.ts) calls a
 * {@linkcode CallbackList} at the start of each epoch, after each batch and at the end of each
 * epoch, and everything else (early stopping, the best checkpoint, restoring its weights at the
 * end of a stage, the log line, a live table in a notebook, a progress bar) is a callback. Their
 * state is plain JSON so a run can save and resume it.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { Monitor } from "../config.ts";
import { loadModel, saveModel } from "../models/mod.ts";
import { replaceDir } from "../util/atomic.ts";
import type { LiveDisplay, MediaBundle } from "../notebook/display.ts";
import { type Progress, progress } from "../util/progress.ts";
import type { HistoryRow } from "./history.ts";

/** What callbacks learn at the start of an epoch. */
export interface EpochBegin {
  /** 1-based epoch over all stages. */
  epoch: number;
  stage: number;
  /** Planned epochs over all stages. */
  totalEpochs: number;
  /** Training examples in the epoch. */
  examples: number;
  /** "epoch 3/20 stage 2", for status lines. */
  label: string;
}

/**
 * What callbacks see at the end of an epoch, in list order: a callback may end the stage
 * ({@linkcode EpochEnd.stop}) and add notes to the epoch's log line.
 */
export class EpochEnd {
  /** Set by a callback (early stopping) to end the stage after this epoch. */
  stop = false;
  /** Notes for the epoch's log line, in the order the callbacks add them. */
  readonly notes: string[] = [];
  /** `lastOfStage`: whether this was the stage's last planned epoch. */
  constructor(readonly row: HistoryRow, readonly lastOfStage: boolean) {}
  /** Whether the stage ends after this epoch: stopped, or its last planned epoch. */
  get stageOver(): boolean {
    return this.stop || this.lastOfStage;
  }
}

/** Work the training loop hands out; every method is optional (tfjs-layers' BaseCallback). */
export interface TrainCallback {
  /** Before an epoch's first training batch. */
  onEpochBegin?(begin: EpochBegin): void | Promise<void>;
  /** After each training batch: examples in the batch, and done so far in the epoch. */
  onBatchEnd?(count: number, done: number): void;
  /** After the epoch's validation pass. */
  onEpochEnd?(end: EpochEnd): void | Promise<void>;
}

/** Calls a list of callbacks in order, awaiting each (tfjs-layers' CallbackList). */
export class CallbackList implements Required<TrainCallback> {
  readonly callbacks: readonly TrainCallback[];
  /** `callbacks`: called in this order; null and undefined entries are skipped. */
  constructor(callbacks: readonly (TrainCallback | null | undefined)[]) {
    this.callbacks = callbacks.filter((c): c is TrainCallback => c != null);
  }
  async onEpochBegin(begin: EpochBegin): Promise<void> {
    for (const c of this.callbacks) await c.onEpochBegin?.(begin);
  }
  onBatchEnd(count: number, done: number): void {
    for (const c of this.callbacks) c.onBatchEnd?.(count, done);
  }
  async onEpochEnd(end: EpochEnd): Promise<void> {
    for (const c of this.callbacks) await c.onEpochEnd?.(end);
  }
}

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
export class EarlyStopping implements TrainCallback {
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
  /** Ends the stage when {@linkcode EarlyStopping.update} says so. */
  onEpochEnd(end: EpochEnd): void {
    if (!this.update(end.row)) return;
    end.stop = true;
    end.notes.push(`(early stop: no ${this.monitor} improvement in ${this.patience} epochs)`);
  }
}

/** Saved state of {@linkcode BestCheckpoint}. */
export interface CheckpointState {
  best: number | null;
  epoch: number | null;
}

/** Saves the model to `dir` (atomically, as a whole folder) whenever `monitor` improves. */
export class BestCheckpoint implements TrainCallback {
  state: CheckpointState;
  /** `model`: what {@linkcode BestCheckpoint.onEpochEnd} saves; needed only as a callback. */
  constructor(
    readonly dir: string,
    readonly monitor: Monitor = "val_accuracy",
    state?: CheckpointState,
    readonly model?: tf.LayersModel,
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
  /** Saves `this.model` when the epoch improves on the best so far. */
  async onEpochEnd(end: EpochEnd): Promise<void> {
    if (!this.model) throw new Error("BestCheckpoint used as a callback without a model");
    if (await this.update(this.model, end.row)) end.notes.push("(best, saved)");
  }
}

/**
 * At the end of a stage, copies the best checkpoint's weights into `model` (Keras'
 * `restore_best_weights`, read from the checkpoint folder so that it survives a restart),
 * unless the stage's last epoch is the best one.
 */
export class RestoreBest implements TrainCallback {
  constructor(readonly model: tf.LayersModel, readonly checkpoint: BestCheckpoint) {}
  async onEpochEnd(end: EpochEnd): Promise<void> {
    const best = this.checkpoint.state.epoch;
    if (!end.stageOver || best === null || best === end.row.epoch) return;
    const saved = await loadModel(this.checkpoint.dir);
    this.model.setWeights(saved.getWeights());
    saved.dispose();
    end.notes.push(`(restored best weights of epoch ${best})`);
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

/** Writes each epoch's {@linkcode formatEpoch} line (with the callbacks' notes) to `log`. */
export class EpochLog implements TrainCallback {
  #total = 0;
  constructor(readonly log: (line: string) => void | Promise<void>) {}
  onEpochBegin(begin: EpochBegin): void {
    this.#total = begin.totalEpochs;
  }
  async onEpochEnd(end: EpochEnd): Promise<void> {
    await this.log(formatEpoch(end.row, this.#total, end.notes.join(" ")));
  }
}

/** A live bar over each epoch's training examples, on terminals only. */
export class ProgressBar implements TrainCallback {
  #bar: Progress | null = null;
  #examples = 0;
  /** `enabled`: default whether stderr is a terminal. */
  constructor(readonly enabled: boolean = Deno.stderr.isTerminal()) {}
  onEpochBegin(begin: EpochBegin): void {
    this.#examples = begin.examples;
    this.#bar = this.enabled ? progress(begin.label, begin.examples) : null;
  }
  onBatchEnd(count: number, done: number): void {
    this.#bar?.tick(count);
    if (done >= this.#examples) this.#bar?.done();
  }
}

/** The history so far as a notebook table under a status line. */
export function historyBundle(rows: readonly HistoryRow[], status: string): MediaBundle {
  const head = "<tr><th>epoch</th><th>stage</th><th>loss</th><th>accuracy</th>" +
    "<th>val_loss</th><th>val_accuracy</th><th>lr</th><th>s</th><th>img/s</th></tr>";
  const body = rows.map((r) =>
    `<tr><td>${r.epoch}</td><td>${r.stage}</td><td>${r.loss.toFixed(4)}</td>` +
    `<td>${r.accuracy.toFixed(4)}</td><td>${r.val_loss.toFixed(4)}</td>` +
    `<td>${r.val_accuracy.toFixed(4)}</td><td>${r.lr}</td><td>${r.seconds.toFixed(1)}</td>` +
    `<td>${r.img_per_s.toFixed(1)}</td></tr>`
  ).join("");
  return { "text/plain": status, "text/html": `<p>${status}</p><table>${head}${body}</table>` };
}

/**
 * The history table in a notebook (a {@linkcode LiveDisplay}): redrawn after each epoch, and
 * with a status line at most every `intervalMs` during one. Does nothing outside a kernel.
 */
export class NotebookDisplay implements TrainCallback {
  #begin: EpochBegin | null = null;
  #shown = 0;
  #pending: Promise<void> = Promise.resolve();
  /** `history`: the rows so far (read at each redraw). `intervalMs`: default 2000. */
  constructor(
    readonly display: LiveDisplay,
    readonly history: () => readonly HistoryRow[],
    readonly intervalMs = 2000,
  ) {}
  onEpochBegin(begin: EpochBegin): void {
    this.#begin = begin;
    this.#shown = performance.now();
  }
  onBatchEnd(_count: number, done: number): void {
    const begin = this.#begin;
    if (!begin || !this.display.available || performance.now() - this.#shown <= this.intervalMs) {
      return;
    }
    this.#shown = performance.now();
    this.#redraw(`${begin.label}: ${done}/${begin.examples} images`);
  }
  async onEpochEnd(end: EpochEnd): Promise<void> {
    if (!this.display.available) return;
    const total = this.#begin?.totalEpochs ?? end.row.epoch;
    this.#redraw(`epoch ${end.row.epoch}/${total}, stage ${end.row.stage}`);
    await this.#pending;
  }
  /** Batches cannot wait for the kernel: redraws queue, and the epoch's end waits for them. */
  #redraw(status: string): void {
    const bundle = historyBundle(this.history(), status);
    this.#pending = this.#pending.then(() => this.display.update(bundle));
  }
}
