/**
 * REPORT.md: the paper's results beside ours for three protocols (image-level split, patient-level
 * split, official test), mean ± SD over seeds with bootstrap intervals, the baseline comparison
 * with McNemar's test, efficiency, environment and data caveats — all read from run directories,
 * never typed in.
 *
 * @example
 * ```ts
 * import { measureRunEfficiency, writeReport } from "./lib/report/mod.ts";
 * await measureRunEfficiency("outputs/runs/full/paper/mobilenetv2-seed42");
 * const { path } = await writeReport({
 *   runs: ["outputs/runs/full"],
 *   outDir: "outputs",
 *   dataRoot: "../shared/data/chest_xray",
 * });
 * ```
 *
 * @module
 */
export {
  answerSentence,
  type CohortAnswer,
  cohortAnswers,
  type Reference,
  referenceFor,
  seedAccuracySpec,
} from "./answer.ts";
export { comparisonReading, type PairedTest, pairedTests } from "./compare.ts";
export {
  type CohortRocs,
  comparisonRocs,
  comparisonSpecs,
  tradeoffPoints,
} from "./comparison_figures.ts";
export { type DataFacts, dataFacts } from "./data_facts.ts";
export {
  checkpointStats,
  type Efficiency,
  measureInference,
  type MeasureOptions,
  measureRunEfficiency,
} from "./efficiency.ts";
export { type EnvironmentInfo, environmentInfo } from "./environment.ts";
export {
  baselineComparison,
  formatReport,
  mcnemarTable,
  metricsOf,
  paperComparison,
  type ReportInput,
} from "./markdown.ts";
export { KERMANY_RESULT, MAULANA_ACCURACY, PAPER_RESULT, type ReferenceResult } from "./paper.ts";
export {
  type Cohort,
  cohortLabel,
  cohortOf,
  cohortsOf,
  type EvalRecord,
  findRunDirs,
  type HistoryEntry,
  logSpanMinutes,
  PROFILE_LABELS,
  type Protocol,
  PROTOCOL_LABELS,
  protocolEval,
  protocolOf,
  PROTOCOLS,
  readEvalPredictions,
  readRun,
  type RunRecord,
  sameCohort,
} from "./runs.ts";
export {
  fmt,
  fmtCi,
  fmtMeanSd,
  type MeanSd,
  meanSd,
  studentTCdf,
  studentTQuantile,
  tInterval,
} from "./stats.ts";
export {
  SELECTION_METRICS,
  type SelectionMetric,
  type VariantRow,
  type VariantsOptions,
  type VariantsTable,
  variantsTable,
} from "./variants.ts";
export { writeReport, type WriteReportOptions, type WriteReportResult } from "./write.ts";
