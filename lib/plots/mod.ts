/**
 * Figures as Vega-Lite v5 specs, rendered headless to SVG and PNG (see `render.ts`): training
 * curves, confusion matrix, ROC, precision-recall, reliability diagram, class balance and
 * accuracy against latency and size;
 * and {@linkcode imageGrid}, labelled image tiles composed into one PNG.
 * Each `...Spec` function only builds the spec; {@linkcode writeFigure} renders and writes
 * `.vl.json`, `.svg` and `.png`; {@linkcode figureBundle} shows it in a notebook.
 *
 * @example
 * ```ts
 * import { confusionMatrixSpec, writeFigure } from "./mod.ts";
 * const dir = await Deno.makeTempDir();
 * const figure = await writeFigure(confusionMatrixSpec([[200, 34], [8, 382]]), `${dir}/confusion`);
 * console.log(figure.files); // confusion.vl.json, .svg, .png
 * ```
 *
 * @module
 */
export { type ClassBalanceOptions, classBalanceSpec, type SplitCounts } from "./class_balance.ts";
export { type ConfusionMatrixOptions, confusionMatrixSpec } from "./confusion_matrix.ts";
export {
  type CurveOptions,
  type NamedPr,
  type NamedRoc,
  prSpec,
  type RocMarker,
  rocSpec,
} from "./curves.ts";
export { DEJAVU_DIR, ensureFontconfig } from "./fonts.ts";
export { type GridRow, imageGrid, type ImageGridOptions } from "./image_grid.ts";
export { type ReliabilityOptions, reliabilitySpec } from "./reliability.ts";
export {
  compileSpec,
  type Figure,
  figureBundle,
  figureMetadata,
  type PngOptions,
  renderFigure,
  renderSvg,
  svgToPng,
  VEGA_LITE_SCHEMA,
  vegaLiteBundle,
  type VegaLiteSpec,
  writeFigure,
} from "./render.ts";
export {
  boxPlotSpec,
  type BoxSummary,
  boxSummary,
  type CamMassPoint,
  camMassSpec,
  type HistogramBin,
  probabilityHistogram,
  probabilityHistogramSpec,
  quantile,
  type ShiftFigureOptions,
  thresholdLadderSpec,
  type ThresholdPoint,
} from "./shift.ts";
export { type TradeoffOptions, type TradeoffPoint, tradeoffSpec } from "./tradeoff.ts";
export {
  bestEpochOf,
  type HistoryPoint,
  type TrainingCurvesOptions,
  trainingCurvesSpec,
} from "./training_curves.ts";
