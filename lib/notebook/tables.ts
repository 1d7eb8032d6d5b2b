/**
 * Metrics as table rows for `showTable` (HTML via arquero): the classification report, the
 * confusion matrix, the scalar metrics with their bootstrap intervals, and one row per seed.
 * Undefined metrics (NaN, or null once read back from JSON) print as "n/a".
 *
 * @module
 */
import { CLASS_NAMES, type MetricsSummary, SCALAR_KEYS } from "../metrics/mod.ts";

const f4 = (v: number | null | undefined) =>
  typeof v === "number" && Number.isFinite(v) ? v.toFixed(4) : "n/a";

/** scikit-learn's classification report: per class, then accuracy and the two averages. */
export function classificationRows(m: MetricsSummary): Record<string, string>[] {
  const row = (name: string, p: number, r: number, f: number, support: number) => ({
    "": name,
    precision: f4(p),
    recall: f4(r),
    "f1-score": f4(f),
    support: String(support),
  });
  return [
    ...CLASS_NAMES.map((c) => {
      const s = m.per_class[c];
      return row(c, s.precision, s.recall, s.f1, s.support);
    }),
    { "": "accuracy", precision: "", recall: "", "f1-score": f4(m.accuracy), support: String(m.n) },
    row("macro avg", m.macro_avg.precision, m.macro_avg.recall, m.macro_avg.f1, m.n),
    row("weighted avg", m.weighted_avg.precision, m.weighted_avg.recall, m.weighted_avg.f1, m.n),
  ];
}

/** The confusion matrix, rows true and columns predicted. */
export function confusionRows(m: MetricsSummary): Record<string, string | number>[] {
  const [[tn, fp], [fn, tp]] = m.confusion_matrix;
  return [
    { "true \\ predicted": "NORMAL", NORMAL: tn, PNEUMONIA: fp },
    { "true \\ predicted": "PNEUMONIA", NORMAL: fn, PNEUMONIA: tp },
  ];
}

/** Each scalar metric with its 95% bootstrap interval (empty when not bootstrapped). */
export function scalarRows(m: MetricsSummary): Record<string, string>[] {
  return SCALAR_KEYS.map((key) => {
    const ci = m.ci?.[key];
    return { metric: key, value: f4(m[key]), "95% CI": ci ? `[${f4(ci[0])}, ${f4(ci[1])}]` : "" };
  });
}

/**
 * One row per seed's run: accuracy, sensitivity, specificity and ROC AUC (n/a where undefined,
 * as the AUC of a one-class test set is).
 */
export function perSeedRows(
  runs: { seed: number; metrics: MetricsSummary }[],
): Record<string, string | number>[] {
  return runs.map(({ seed, metrics: m }) => ({
    seed,
    accuracy: f4(m.accuracy),
    sensitivity: f4(m.sensitivity),
    specificity: f4(m.specificity),
    "ROC AUC": f4(m.roc_auc),
  }));
}
