/**
 * Confusion-matrix heatmap: counts with row percentages (share of each true class), darker
 * for larger shares; labels switch to white on dark cells.
 *
 * @module
 */
import type { ConfusionMatrix } from "../metrics/mod.ts";
import { CLASS_NAMES } from "../metrics/mod.ts";
import type { VegaLiteSpec } from "./render.ts";
import { specBase } from "./_theme.ts";

/** Options for {@linkcode confusionMatrixSpec}. */
export interface ConfusionMatrixOptions {
  /** Title. Default "Confusion matrix". */
  title?: string;
}

/** Heatmap of `[[tn, fp], [fn, tp]]`. */
export function confusionMatrixSpec(
  cm: ConfusionMatrix,
  opts: ConfusionMatrixOptions = {},
): VegaLiteSpec {
  const values = cm.flatMap((row, t) => {
    const total = row[0] + row[1];
    return row.map((count, p) => {
      const share = total === 0 ? 0 : count / total;
      return {
        truth: CLASS_NAMES[t],
        predicted: CLASS_NAMES[p],
        count,
        share,
        pct: `${(100 * share).toFixed(1)}% of row`,
      };
    });
  });
  const classes = { domain: [...CLASS_NAMES] };
  const x = {
    field: "predicted",
    type: "nominal",
    title: "predicted",
    scale: classes,
    axis: { orient: "top", labelAngle: 0, grid: false },
  };
  const y = {
    field: "truth",
    type: "nominal",
    title: "true",
    scale: classes,
    axis: { grid: false },
  };
  // Colour by row share, so the two classes are comparable despite their different sizes.
  const textColor = { condition: { test: "datum.share > 0.5", value: "white" }, value: "black" };
  return {
    ...specBase(
      opts.title ?? "Confusion matrix",
      "counts and row percentages; rows are the true class",
    ),
    data: { values },
    width: 260,
    height: 260,
    encoding: { x, y },
    layer: [
      {
        mark: { type: "rect", stroke: "white", strokeWidth: 2 },
        encoding: {
          color: {
            field: "share",
            type: "quantitative",
            title: "row share",
            scale: { scheme: "blues", domain: [0, 1] },
            legend: { format: ".0%" },
          },
        },
      },
      {
        mark: { type: "text", fontSize: 20, fontWeight: "bold", dy: -10 },
        encoding: { text: { field: "count", type: "quantitative" }, color: textColor },
      },
      {
        mark: { type: "text", fontSize: 12, dy: 14 },
        encoding: { text: { field: "pct" }, color: textColor },
      },
    ],
  } as VegaLiteSpec;
}
