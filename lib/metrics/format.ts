/**
 * A {@linkcode MetricsSummary} as readable text: a terminal table and a Markdown section.
 *
 * @module
 */
import { CLASS_NAMES } from "./report.ts";
import { type MetricsSummary, SCALAR_KEYS } from "./summary.ts";

const num = (v: number, digits = 4): string => (Number.isNaN(v) ? "n/a" : v.toFixed(digits));

function scalarRows(m: MetricsSummary): string[][] {
  return SCALAR_KEYS.map((key) => {
    const ci = m.ci?.[key];
    return [key, num(m[key]), ci ? `[${num(ci[0])}, ${num(ci[1])}]` : ""];
  });
}

function classRows(m: MetricsSummary): string[][] {
  return [
    ...CLASS_NAMES.map((c) => {
      const s = m.per_class[c];
      return [c, num(s.precision), num(s.recall), num(s.f1), String(s.support)];
    }),
    [
      "macro avg",
      num(m.macro_avg.precision),
      num(m.macro_avg.recall),
      num(m.macro_avg.f1),
      String(m.n),
    ],
    [
      "weighted avg",
      num(m.weighted_avg.precision),
      num(m.weighted_avg.recall),
      num(m.weighted_avg.f1),
      String(m.n),
    ],
  ];
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (r: string[]) =>
    r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

function markdownTable(header: string[], rows: string[][]): string {
  return [header, header.map(() => "---"), ...rows].map((r) => `| ${r.join(" | ")} |`).join("\n");
}

/** Plain-text report for a terminal. */
export function formatMetricsTable(m: MetricsSummary): string {
  const [[tn, fp], [fn, tp]] = m.confusion_matrix;
  return [
    `n = ${m.n}, threshold = ${m.threshold} (prob_pneumonia >= threshold -> PNEUMONIA)`,
    "",
    table(["class", "precision", "recall", "f1", "support"], classRows(m)),
    "",
    `confusion matrix (rows true, columns predicted NORMAL, PNEUMONIA):`,
    table(["", "NORMAL", "PNEUMONIA"], [["NORMAL", String(tn), String(fp)], [
      "PNEUMONIA",
      String(fn),
      String(tp),
    ]]),
    "",
    table(["metric", "value", m.ci ? "95% CI" : ""], scalarRows(m)),
  ].join("\n");
}

/** Markdown tables (classes, confusion matrix, scalars with CIs). */
export function formatMetricsMarkdown(m: MetricsSummary): string {
  const [[tn, fp], [fn, tp]] = m.confusion_matrix;
  return [
    markdownTable(["class", "precision", "recall", "f1", "support"], classRows(m)),
    "",
    markdownTable(["true \\ predicted", "NORMAL", "PNEUMONIA"], [
      ["NORMAL", String(tn), String(fp)],
      ["PNEUMONIA", String(fn), String(tp)],
    ]),
    "",
    markdownTable(["metric", "value", "95% CI"], scalarRows(m)),
  ].join("\n");
}
