/**
 * Class balance per split: NORMAL and PNEUMONIA counts side by side for each split.
 *
 * @module
 */
import { CLASS_NAMES } from "../metrics/mod.ts";
import type { VegaLiteSpec } from "./render.ts";
import { COLORS, specBase } from "./_theme.ts";

/** Counts per split and class, e.g. `{ train: { NORMAL: 1000, PNEUMONIA: 2900 }, ... }`. */
export type SplitCounts = Record<string, Partial<Record<(typeof CLASS_NAMES)[number], number>>>;

/** Options for {@linkcode classBalanceSpec}. */
export interface ClassBalanceOptions {
  /** Title. Default "Class balance per split". */
  title?: string;
}

/** Grouped bars with the count and the class share on top of each bar. */
export function classBalanceSpec(
  counts: SplitCounts,
  opts: ClassBalanceOptions = {},
): VegaLiteSpec {
  const splits = Object.keys(counts);
  const values = splits.flatMap((split) => {
    const total = CLASS_NAMES.reduce((s, c) => s + (counts[split][c] ?? 0), 0);
    return CLASS_NAMES.map((label) => {
      const count = counts[split][label] ?? 0;
      return {
        split,
        label,
        count,
        text: `${count}\n${total ? Math.round((100 * count) / total) : 0}%`,
      };
    });
  });
  return {
    ...specBase(
      opts.title ?? "Class balance per split",
      "number of images per class in each split",
    ),
    data: { values },
    width: 120 * Object.keys(counts).length,
    height: 260,
    encoding: {
      x: { field: "split", type: "nominal", sort: splits, title: null, axis: { labelAngle: 0 } },
      xOffset: { field: "label", type: "nominal", sort: [...CLASS_NAMES] },
    },
    layer: [
      {
        mark: { type: "bar" },
        encoding: {
          y: { field: "count", type: "quantitative", title: "images" },
          color: {
            field: "label",
            type: "nominal",
            title: null,
            scale: { domain: [...CLASS_NAMES], range: [COLORS.NORMAL, COLORS.PNEUMONIA] },
            legend: { orient: "top" },
          },
        },
      },
      {
        // Two lines grow downward from the anchor: lift it one line above the bar.
        mark: { type: "text", dy: -16, fontSize: 10, baseline: "bottom", lineBreak: "\n" },
        encoding: { y: { field: "count", type: "quantitative" }, text: { field: "text" } },
      },
    ],
  } as VegaLiteSpec;
}
