/**
 * What notebooks import: their parameters (set by `deno task reproduce`, with defaults for
 * interactive use) and display helpers for tables, images and Markdown; `show` also displays
 * chart bundles from lib/plots (`show(figureBundle(figure))`).
 *
 * @example
 * ```ts
 * import { notebookParams, showMarkdown, showTable } from "../lib/notebook/mod.ts";
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
