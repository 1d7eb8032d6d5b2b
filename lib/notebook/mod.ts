/**
 * Everything notebooks take from this folder, and the only module of it they import: their
 * parameters (set by `deno task reproduce`, with defaults for interactive use), display helpers
 * for tables, images, Markdown and charts (`showChart`), and each notebook's helpers (data
 * exploration, augmentation previews, the runs a notebook trains or reads, metric tables, the
 * official test set's shift).
 *
 * @example
 * ```ts
 * import { notebookParams, showMarkdown, showTable } from "./mod.ts";
 * const params = notebookParams();
 * await showMarkdown(`profile **${params.profile}**, run dir \`${params.runDir}\``);
 * await showTable([{ split: "train", images: 4172 }, { split: "test", images: 624 }]);
 * ```
 *
 * @module
 */
export {
  type NotebookParams,
  notebookParams,
  PARAM_ENV,
  PARAMS_FILE_ENV,
  paramsEnv,
  type Profile,
  type SplitStrategy,
} from "./params.ts";
export {
  imageBundle,
  type LiveDisplay,
  liveDisplay,
  markdownBundle,
  type MediaBundle,
  show,
  showImage,
  showMarkdown,
  type ShowOptions,
  showTable,
  tableBundle,
  type TableOptions,
} from "./display.ts";
export { type AugmentationPreview, augmentationPreview } from "./augmentation.ts";
export {
  duplicateTable,
  imageSizeSpec,
  imagesPerPatientSpec,
  isSquashed224,
  officialFolders,
  patientTable,
  sampleGrid,
  type SampleGridOptions,
  sampleRows,
  sizeTable,
  splitCounts,
} from "./explore.ts";
export {
  grayPng,
  type GridRow,
  imageGrid,
  type ImageGridOptions,
  previewPng,
  showChart,
  showFigureFiles,
} from "./figures.ts";
export {
  cellConfig,
  cellRunDir,
  type EvaluatedRun,
  evaluatedRun,
  notebookCells,
  notebookConfig,
  runDirOf,
  type TrainedRun,
  trainedRun,
} from "./runs.ts";
export { classificationRows, confusionRows, perSeedRows, scalarRows } from "./tables.ts";
export {
  camMassFigure,
  camMassTable,
  GROUP_ORDER,
  operatingPointOfRun,
  operatingPointTable,
  probabilityFigure,
  type ProbabilityGroups,
  probabilityGroups,
  probabilityTable,
  type ShiftRun,
  shiftRun,
  statsFigure,
} from "./shift.ts";
export { shownPath } from "../paths.ts";
export { operatingPointFigure } from "../shift/mod.ts";
