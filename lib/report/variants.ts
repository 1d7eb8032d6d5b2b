/**
 * The "variants tried" table: every training recipe run on a protocol, with its validation and
 * test metrics side by side and the one a validation-only rule picks marked, so a reader sees
 * that nothing was chosen on the test set. The rule reads validation metrics only; test metrics
 * are shown, never compared.
 *
 * @module
 */
import { basename } from "node:path";
import type { MetricsSummary } from "../metrics/mod.ts";
import { fmt } from "./stats.ts";
import { protocolEval, readRun, type RunRecord } from "./runs.ts";

/** Validation metrics a selection rule may maximise, declared once. */
export const SELECTION_METRICS = ["roc_auc", "accuracy", "balanced_accuracy", "f1"] as const;
/** A validation metric a rule maximises. */
export type SelectionMetric = typeof SELECTION_METRICS[number];
/** Each selection metric in words. */
export const SELECTION_METRIC_LABELS: Readonly<Record<SelectionMetric, string>> = {
  roc_auc: "ROC AUC",
  accuracy: "accuracy",
  balanced_accuracy: "balanced accuracy",
  f1: "PNEUMONIA F1",
};

/** Options for {@linkcode variantsTable}. */
export interface VariantsOptions {
  /** The validation metric the chosen variant maximises. Default "roc_auc". */
  rule?: SelectionMetric;
  /** Name of each run in the table. Default: its folder name. */
  name?: (run: RunRecord) => string;
}

/** One row of the table. */
export type VariantRow = Record<string, string>;

/** Result of {@linkcode variantsTable}. */
export interface VariantsTable {
  rows: VariantRow[];
  /** Folder of the chosen run; null when no run has validation metrics. */
  chosen: string | null;
  /** The rule in words, for the caption. */
  rule: string;
}

/** One candidate of a selection: a run, or several runs' ensemble. */
export interface Candidate {
  /** The row's leading cells, keyed by column header (e.g. `{ variant: "base-seed42" }`). */
  cells: Record<string, string>;
  /** Validation metrics; undefined = not eligible. */
  val?: MetricsSummary;
  /** Test metrics, shown and never compared. */
  test?: MetricsSummary;
  /** Why a candidate without `val` is not eligible. Default "no val metrics". */
  ineligible?: string;
}

/** Result of {@linkcode selectOnValidation}. */
export interface Selection {
  /** One per candidate, in order: its cells, val and test metrics, and a "chosen" column. */
  rows: VariantRow[];
  /** Index of the chosen candidate; -1 when none has validation metrics. */
  chosen: number;
  /** The validation metric maximised. */
  metric: SelectionMetric;
  /**
   * How far the chosen candidate's validation metric lies above the best of the others; NaN
   * when no other candidate has one.
   */
  margin: number;
  /** The rule in words, for the caption. */
  rule: string;
}

function metricOf(m: MetricsSummary | undefined, key: SelectionMetric): number {
  if (!m) return NaN;
  const v = key === "balanced_accuracy"
    ? (m.sensitivity + m.specificity) / 2
    : key === "f1"
    ? m.per_class?.PNEUMONIA?.f1
    : m[key];
  return typeof v === "number" ? v : NaN;
}

/**
 * The selection rule: the candidate with the highest validation `rule` metric is chosen (the
 * first on a tie); test metrics are laid beside it and never read by the rule.
 */
export function selectOnValidation(
  candidates: readonly Candidate[],
  rule: SelectionMetric = "roc_auc",
): Selection {
  const scores = candidates.map((c) => metricOf(c.val, rule));
  let chosen = -1;
  scores.forEach((s, i) => {
    if (Number.isFinite(s) && (chosen < 0 || s > scores[chosen])) chosen = i;
  });
  const cells = (m: MetricsSummary | undefined, split: string) =>
    Object.fromEntries(
      (["accuracy", "sensitivity", "specificity", "roc_auc"] as const).map((k) => [
        `${split} ${k === "roc_auc" ? "AUC" : k}`,
        fmt(m?.[k], 3),
      ]),
    );
  const rows = candidates.map((c, i) => ({
    ...c.cells,
    ...cells(c.val, "val"),
    ...cells(c.test, "test"),
    chosen: i === chosen
      ? "chosen"
      : Number.isFinite(scores[i])
      ? ""
      : c.ineligible ?? "no val metrics",
  }));
  const others = scores.filter((x, i) => i !== chosen && Number.isFinite(x));
  return {
    rows,
    chosen,
    metric: rule,
    margin: chosen < 0 || others.length === 0 ? NaN : scores[chosen] - Math.max(...others),
    rule: `highest validation ${SELECTION_METRIC_LABELS[rule]} (test metrics shown, never used)`,
  };
}

/**
 * Reads each run folder (its `eval-val/` and `eval-test/` metrics) and builds the table; the
 * chosen variant is the one {@linkcode selectOnValidation} picks. Runs without validation
 * metrics are listed as not eligible.
 */
export async function variantsTable(
  runDirs: readonly string[],
  opts: VariantsOptions = {},
): Promise<VariantsTable> {
  const runs = await Promise.all(runDirs.map(readRun));
  const { rows, chosen, rule } = selectOnValidation(
    runs.map((run) => ({
      cells: { variant: opts.name?.(run) ?? basename(run.dir) },
      val: run.evals["val"]?.metrics,
      test: protocolEval(run)?.eval.metrics,
    })),
    opts.rule,
  );
  return { rows, chosen: chosen < 0 ? null : runs[chosen].dir, rule };
}
