/**
 * Reliability diagram: observed fraction of PNEUMONIA against mean predicted probability per
 * bin (on the diagonal = calibrated), with the number of images per bin below it.
 *
 * @module
 */
import type { ReliabilityBin } from "../metrics/mod.ts";
import type { VegaLiteSpec } from "./render.ts";
import { COLORS, fixed, specBase } from "./_theme.ts";

/** Options for {@linkcode reliabilitySpec}. */
export interface ReliabilityOptions {
  /** Expected calibration error, shown in the title when given. */
  ece?: number;
  /** Title. Default "Reliability diagram". */
  title?: string;
}

/** The diagram of {@linkcode ReliabilityBin}s (empty bins are left out of the curve). */
export function reliabilitySpec(
  bins: ReliabilityBin[],
  opts: ReliabilityOptions = {},
): VegaLiteSpec {
  const title = (opts.title ?? "Reliability diagram") +
    (opts.ece === undefined ? "" : ` (ECE ${fixed(opts.ece)})`);
  const filled = bins.filter((b) => b.count > 0);
  const prob = { type: "quantitative", scale: { domain: [0, 1] } };
  // Both layers carry the titles: Vega-Lite merges layer titles, and a null one blanks the axis.
  const axes = {
    x: { ...prob, title: "mean predicted probability of PNEUMONIA" },
    y: { ...prob, title: "observed PNEUMONIA fraction" },
  };
  return {
    ...specBase(
      title,
      "fraction of positives against mean predicted probability, 10 equal-width bins",
    ),
    vconcat: [
      {
        width: 320,
        height: 280,
        layer: [
          {
            data: { values: [{ x: 0, y: 0 }, { x: 1, y: 1 }] },
            mark: { type: "line", strokeDash: [4, 4], color: COLORS.guide },
            encoding: {
              x: { field: "x", ...axes.x },
              y: { field: "y", ...axes.y },
            },
          },
          {
            data: { values: filled },
            mark: {
              type: "line",
              point: { size: 50, filled: true, color: COLORS.PNEUMONIA },
              color: COLORS.PNEUMONIA,
            },
            encoding: {
              x: { field: "meanProb", ...axes.x },
              y: { field: "fracPositive", ...axes.y },
              tooltip: [{ field: "count", type: "quantitative" }],
            },
          },
        ],
      },
      {
        width: 320,
        height: 90,
        data: { values: bins },
        mark: { type: "bar", orient: "vertical", color: COLORS.guide, stroke: "white" },
        encoding: {
          x: { field: "lo", ...prob, title: "predicted probability (bin)" },
          x2: { field: "hi" },
          y: { field: "count", type: "quantitative", title: "images" },
        },
      },
    ],
  } as VegaLiteSpec;
}
