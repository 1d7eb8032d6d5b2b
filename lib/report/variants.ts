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
  /**
   * How many settings depart from the paper's recipe (fewer = simpler); the one-standard-error
   * rule prefers the simplest of candidates validation cannot separate. Default 0.
   */
  departures?: number;
  /** The run folder behind the row; absent for an ensemble. */
  dir?: string;
}

/** Result of {@linkcode selectOnValidation}. */
export interface Selection {
  /** One per candidate, in order: its cells, val and test metrics, and a "chosen" column. */
  rows: VariantRow[];
  /** Index of the chosen candidate; -1 when none has validation metrics. */
  chosen: number;
  /** Index of the highest validation score (NaN scores never); -1 when none. */
  best: number;
  /** Each candidate's validation score (NaN: not eligible). */
  scores: number[];
  /**
   * One standard error of the highest score, from its 95% bootstrap interval ((high - low) /
   * 3.92); NaN when that candidate has no interval for the metric.
   */
  standardError: number;
  /** Indices of the candidates within one standard error of the highest score (best included). */
  tied: number[];
  /** The validation metric maximised. */
  metric: SelectionMetric;
  /**
   * How far the chosen candidate's validation metric lies above the best of the others
   * (negative when the rule took a simpler candidate below the highest); NaN when no other
   * candidate has one.
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

/** One standard error of `m`'s `key` from its 95% bootstrap interval; NaN without one. */
function standardErrorOf(m: MetricsSummary | undefined, key: SelectionMetric): number {
  const ci = key === "roc_auc" || key === "accuracy" ? m?.ci?.[key] : undefined;
  return ci && Number.isFinite(ci[0]) && Number.isFinite(ci[1]) ? (ci[1] - ci[0]) / 3.92 : NaN;
}

/**
 * The selection rule, the one-standard-error rule of model selection (Hastie, Tibshirani and
 * Friedman, The Elements of Statistical Learning, 7.10): the candidates whose validation `rule`
 * metric lies within one standard error of the highest cannot be told apart on validation, and
 * of those the simplest is chosen (fewest `departures`; then the higher score, then the first).
 * Without a bootstrap interval the highest score is chosen. Test metrics are laid beside it and
 * never read by the rule.
 */
export function selectOnValidation(
  candidates: readonly Candidate[],
  rule: SelectionMetric = "roc_auc",
): Selection {
  const scores = candidates.map((c) => metricOf(c.val, rule));
  let best = -1;
  scores.forEach((s, i) => {
    if (Number.isFinite(s) && (best < 0 || s > scores[best])) best = i;
  });
  const standardError = best < 0 ? NaN : standardErrorOf(candidates[best].val, rule);
  const floor = best < 0
    ? Infinity
    : scores[best] - (Number.isFinite(standardError) ? standardError : 0);
  const tied = scores.flatMap((s, i) => (Number.isFinite(s) && s >= floor ? [i] : []));
  const simpler = (i: number, j: number) =>
    (candidates[i].departures ?? 0) - (candidates[j].departures ?? 0) ||
    scores[j] - scores[i] || i - j;
  const chosen = tied.length ? [...tied].sort(simpler)[0] : -1;
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
    best,
    scores,
    standardError,
    tied,
    metric: rule,
    margin: chosen < 0 || others.length === 0 ? NaN : scores[chosen] - Math.max(...others),
    rule: `highest validation ${SELECTION_METRIC_LABELS[rule]}, or the simplest candidate ` +
      `within one standard error of it (test metrics shown, never used)`,
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
