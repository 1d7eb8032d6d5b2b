/**
 * The Markdown report of one evaluation (`report.md`).
 *
 * @module
 */
import { formatMetricsMarkdown, type MetricsSummary, type OperatingPoint } from "../metrics/mod.ts";
import { toWorkspace } from "../paths.ts";

/** What the report shows besides the metrics. */
export interface ReportInput {
  runDir: string;
  split: string;
  checkpoint: string;
  model: string;
  metrics: MetricsSummary;
  youden: OperatingPoint | null;
  recall95: OperatingPoint | null;
  /** Youden's threshold chosen on validation, with this split's rates at it (when tuned). */
  valYouden?: OperatingPoint | null;
  /** Images of the split left out because they could not be read or decoded. */
  skipped: number;
  /** Why, counted ("2 not a readable image"); listed in `skipped.csv` beside the report. */
  skippedReasons?: string;
  /** Figure basenames written beside the report (their .png is linked). */
  figures: string[];
  /** Grad-CAM grid PNG name, when written. */
  gradcam?: string;
  bootstrap: number;
  seed: number;
}

const pct = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(1)}%` : "n/a");

function point(name: string, p: OperatingPoint | null): string {
  if (!p) return `| ${name} | n/a | | |`;
  return `| ${name} | ${p.threshold.toFixed(4)} | ${pct(p.sensitivity)} | ${pct(p.specificity)} |`;
}

/** Markdown text of the report. */
export function evaluationReport(r: ReportInput): string {
  const m = r.metrics;
  const lines = [
    `# Evaluation: ${r.model}, split \`${r.split}\``,
    "",
    `- run: \`${toWorkspace(r.runDir)}\``,
    `- checkpoint: \`${r.checkpoint}\``,
    `- images: ${m.n}${
      r.skipped
        ? ` (${r.skipped} left out${
          r.skippedReasons ? `: ${r.skippedReasons}` : ""
        }; see \`skipped.csv\`)`
        : ""
    }; ` +
    `PNEUMONIA ${m.per_class.PNEUMONIA.support}, NORMAL ${m.per_class.NORMAL.support}`,
    `- threshold: prob_pneumonia >= ${m.threshold} predicts PNEUMONIA`,
    `- intervals: ${
      r.bootstrap ? `95% stratified bootstrap, ${r.bootstrap} replicates, seed ${r.seed}` : "none"
    }`,
    "",
    `**Accuracy ${pct(m.accuracy)}, sensitivity ${pct(m.sensitivity)}, specificity ${
      pct(m.specificity)
    }, ` +
    `ROC AUC ${Number.isFinite(m.roc_auc) ? m.roc_auc.toFixed(4) : "n/a"}.**`,
    "",
    formatMetricsMarkdown(m),
    "",
    "## Operating points",
    "",
    "| rule | threshold | sensitivity | specificity |",
    "| --- | --- | --- | --- |",
    point(`default (${m.threshold})`, {
      threshold: m.threshold,
      sensitivity: m.sensitivity,
      specificity: m.specificity,
    }),
    point("Youden J (max sensitivity + specificity)", r.youden),
    point("sensitivity >= 95%", r.recall95),
    ...(r.valYouden === undefined ? [] : [point("Youden J chosen on validation", r.valYouden)]),
    "",
    "The Youden and 95%-sensitivity thresholds are chosen on the evaluated images themselves, so " +
    "their rates are optimistic" +
    (r.valYouden === undefined
      ? "; `--tune-threshold` adds one chosen on validation."
      : "; the validation-chosen one is not."),
    "",
    "## Figures",
    "",
    ...r.figures.map((f) => `![${f}](${f}.png)`),
    ...(r.gradcam ? ["", "## Grad-CAM", "", `![Grad-CAM examples](${r.gradcam})`] : []),
    "",
    "Definitions follow scikit-learn (classification_report with zero_division=0, roc_auc_score, " +
    "step-wise average_precision_score, log_loss clipped at float64 eps); ECE uses 10 equal-width " +
    "bins of the PNEUMONIA probability.",
    "",
  ];
  return lines.join("\n");
}
