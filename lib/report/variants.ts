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
import { readRun, type RunRecord } from "./runs.ts";

/** Validation metrics a selection rule may maximise, declared once. */
export const SELECTION_METRICS = ["roc_auc", "accuracy", "balanced_accuracy", "f1"] as const;
/** A validation metric a rule maximises. */
export type SelectionMetric = typeof SELECTION_METRICS[number];

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

function metricOf(m: MetricsSummary | undefined, key: SelectionMetric): number {
  if (!m) return NaN;
  const v = key === "balanced_accuracy"
    ? (m.sensitivity + m.specificity) / 2
    : key === "f1"
    ? m.per_class?.PNEUMONIA?.f1
    : m[key];
  return typeof v === "number" ? v : NaN;
}

/** The test evaluation of a run: `eval-test`, else `eval-official-test` for an official run. */
function testMetrics(run: RunRecord): MetricsSummary | undefined {
  return (run.evals["test"] ??
    (run.config.split === "official" ? run.evals["official-test"] : undefined))?.metrics;
}

/**
 * Reads each run folder (its `eval-val/` and `eval-test/` metrics) and builds the table; the
 * chosen variant is the one with the highest validation `rule` metric (first folder on a tie).
 * Runs without validation metrics are listed as not eligible.
 */
export async function variantsTable(
  runDirs: readonly string[],
  opts: VariantsOptions = {},
): Promise<VariantsTable> {
  const rule = opts.rule ?? "roc_auc";
  const runs = await Promise.all(runDirs.map(readRun));
  const scores = runs.map((r) => metricOf(r.evals["val"]?.metrics, rule));
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
  const rows = runs.map((run, i) => ({
    variant: opts.name?.(run) ?? basename(run.dir),
    ...cells(run.evals["val"]?.metrics, "val"),
    ...cells(testMetrics(run), "test"),
    chosen: i === chosen ? "chosen" : Number.isFinite(scores[i]) ? "" : "no val metrics",
  }));
  return {
    rows,
    chosen: chosen < 0 ? null : runs[chosen].dir,
    rule: `highest validation ${rule.replace("_", " ")} (test metrics shown, never used)`,
  };
}
