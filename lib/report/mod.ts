/**
 * REPORT.md: the paper's results beside ours for three protocols (image-level split, patient-level
 * split, official test), mean ± SD over seeds with bootstrap intervals, the baseline comparison
 * with McNemar's test, the recipes tried on the official test (chosen on validation), efficiency,
 * environment and data caveats — all read from run directories, never typed in.
 *
 * @example
 * ```ts
 * import { initBackend } from "../backend.ts";
 * import { loadConfig } from "../config.ts";
 * import { dataRoot } from "../paths.ts";
 * import { trainRun } from "../train/mod.ts";
 * await initBackend({ quiet: true });
 * // A tiny run to work on: the baseline at 32 px on 4 images per class, one epoch.
 * const overrides = { model: "baseline", inputSize: 32, subsetPerClass: 4, stage1Epochs: 1 } as const;
 * const config = await loadConfig({ profile: "quick", overrides: { ...overrides, dataRoot: dataRoot() } });
 * const runDir = await Deno.makeTempDir();
 * await trainRun({ config, runDir, print: () => {} });
 * import { evaluateRun } from "../evaluate/mod.ts";
 * import { measureRunEfficiency, writeReport } from "./mod.ts";
 * await evaluateRun({ runDir, bootstrap: 0, gradcamPerOutcome: 0, print: () => {} });
 * await measureRunEfficiency(runDir);
 * const outDir = await Deno.makeTempDir();
 * const { path } = await writeReport({ runs: [runDir], outDir });
 * console.log(path); // <outDir>/REPORT.md
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
export { ensembleMismatch, seedEnsemble } from "./ensemble.ts";
export { type EnvironmentInfo, environmentInfo } from "./environment.ts";
export {
  baselineComparison,
  baselineSection,
  efficiencyRows,
  formatReport,
  mcnemarTable,
  metricsOf,
  paperComparison,
  type ReportInput,
} from "./markdown.ts";
export {
  KERMANY_RESULT,
  MAULANA_ACCURACY,
  MEDMNIST_RESNET18_28,
  MEDMNIST_RESNET50_224,
  OFFICIAL_TEST_REFERENCES,
  PAPER_RESULT,
  type ReferenceResult,
} from "./paper.ts";
export {
  PAPER_RECIPE,
  RECIPE_FIELDS,
  recipeDepartures,
  type RecipeField,
  recipeLabel,
  recipeOf,
  type RecordedConfig,
} from "./recipe.ts";
export {
  FAST_CAVEAT,
  goalSentence,
  OFFICIAL_TEST_GOAL,
  officialRunDirs,
  reachesGoal,
  RECIPE_RULE,
  type RecipeOverSeeds,
  recipeOverSeeds,
  recipesSection,
  recipesTried,
  type RecipeTrial,
  RULE_HISTORY,
} from "./recipes.ts";
export {
  type Cohort,
  cohortLabel,
  cohortOf,
  cohortsOf,
  type EvalRecord,
  findRunDirs,
  type HistoryEntry,
  logBackend,
  logTrainingMinutes,
  paperRecipeRuns,
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
  type Candidate,
  type Selection,
  SELECTION_METRIC_LABELS,
  SELECTION_METRICS,
  type SelectionMetric,
  selectOnValidation,
  type VariantRow,
  type VariantsOptions,
  type VariantsTable,
  variantsTable,
} from "./variants.ts";
export {
  REPORT_PROFILES,
  reportRunRoots,
  writeReport,
  type WriteReportOptions,
  type WriteReportResult,
} from "./write.ts";
