/**
 * Figures of the dataset-shift analysis: box plots of image statistics per group (summaries
 * computed here, so the spec stays small for thousands of images), histograms of predicted
 * probabilities per group (share of the group per bin), and per-image Grad-CAM mass by outcome.
 *
 * @module
 */
import type { VegaLiteSpec } from "./render.ts";
import { COLORS, specBase } from "./_theme.ts";

/** Five-number summary of one group's values of one quantity. */
export interface BoxSummary {
  group: string;
  quantity: string;
  n: number;
  min: number;
  q1: number;
  median: number;
  q3: number;
  max: number;
}

/** Quantile by linear interpolation between order statistics (numpy's default). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** The five-number summary of `values` (NaN left out). */
export function boxSummary(group: string, quantity: string, values: readonly number[]): BoxSummary {
  const s = values.filter((v) => !Number.isNaN(v)).sort((a, b) => a - b);
  return {
    group,
    quantity,
    n: s.length,
    min: s[0] ?? NaN,
    q1: quantile(s, 0.25),
    median: quantile(s, 0.5),
    q3: quantile(s, 0.75),
    max: s[s.length - 1] ?? NaN,
  };
}

/** Options for the shift figures. */
export interface ShiftFigureOptions {
  title?: string;
  /** Order of the groups on the axis. Default: first appearance. */
  groups?: string[];
}

/** Box plots (whiskers min to max), one panel per quantity, one box per group. */
export function boxPlotSpec(
  boxes: readonly BoxSummary[],
  opts: ShiftFigureOptions = {},
): VegaLiteSpec {
  const groups = opts.groups ?? [...new Set(boxes.map((b) => b.group))];
  const x = {
    field: "group",
    type: "nominal",
    sort: groups,
    title: null,
    axis: { labelAngle: -30 },
  };
  const color = {
    field: "group",
    type: "nominal",
    sort: groups,
    legend: null,
    scale: { scheme: "tableau10" },
  };
  return {
    ...specBase(opts.title ?? "Image statistics per group", "box: quartiles; whiskers: min to max"),
    data: { values: boxes.map((b) => ({ ...b })) },
    facet: {
      field: "quantity",
      type: "nominal",
      title: null,
      sort: [...new Set(boxes.map((b) => b.quantity))],
    },
    columns: 4,
    resolve: { scale: { y: "independent" } },
    spec: {
      width: 170,
      height: 160,
      layer: [
        {
          mark: { type: "rule" },
          encoding: {
            x,
            y: { field: "min", type: "quantitative", title: null, scale: { zero: false } },
            y2: { field: "max" },
          },
        },
        {
          mark: { type: "bar", size: 14 },
          encoding: { x, y: { field: "q1", type: "quantitative" }, y2: { field: "q3" }, color },
        },
        {
          mark: { type: "tick", color: "black", size: 14 },
          encoding: { x, y: { field: "median", type: "quantitative" } },
        },
      ],
    },
  } as unknown as VegaLiteSpec;
}

/** One bin of a probability histogram: the share of the group's images in it. */
export interface HistogramBin {
  group: string;
  /** Lower edge of the bin. */
  bin: number;
  binEnd: number;
  count: number;
  share: number;
}

/** `bins` equal-width bins of [0, 1] (1 falls in the last), per group. */
export function probabilityHistogram(
  byGroup: Readonly<Record<string, readonly number[]>>,
  bins = 20,
): HistogramBin[] {
  return Object.entries(byGroup).flatMap(([group, probs]) => {
    const counts = new Array(bins).fill(0);
    for (const p of probs) counts[Math.min(bins - 1, Math.max(0, Math.floor(p * bins)))]++;
    return counts.map((count, k) => ({
      group,
      bin: k / bins,
      binEnd: (k + 1) / bins,
      count,
      share: probs.length ? count / probs.length : 0,
    }));
  });
}

/** Step histograms of the PNEUMONIA probability, one line per group, as a share of the group. */
export function probabilityHistogramSpec(
  bins: readonly HistogramBin[],
  opts: ShiftFigureOptions = {},
): VegaLiteSpec {
  const groups = opts.groups ?? [...new Set(bins.map((b) => b.group))];
  return {
    ...specBase(
      opts.title ?? "Predicted probability of PNEUMONIA per group",
      "share of each group's images per probability bin",
    ),
    data: { values: bins.map((b) => ({ ...b })) },
    width: 460,
    height: 260,
    mark: { type: "line", interpolate: "step-after", point: true },
    encoding: {
      x: {
        field: "bin",
        type: "quantitative",
        title: "predicted probability of PNEUMONIA (bin start)",
        scale: { domain: [0, 1] },
      },
      y: {
        field: "share",
        type: "quantitative",
        title: "share of the group",
        axis: { format: "%" },
      },
      color: {
        field: "group",
        type: "nominal",
        sort: groups,
        title: null,
        scale: { scheme: "tableau10" },
      },
      tooltip: [{ field: "group" }, { field: "bin" }, { field: "count" }, {
        field: "share",
        format: ".1%",
      }],
    },
  } as unknown as VegaLiteSpec;
}

/** One image's share of Grad-CAM heat inside a region, with its outcome. */
export interface CamMassPoint {
  outcome: string;
  correct: boolean;
  region: string;
  mass: number;
}

/** Per-image heat share inside each region, by outcome (points), with each outcome's mean (tick). */
export function camMassSpec(
  points: readonly CamMassPoint[],
  opts: ShiftFigureOptions = {},
): VegaLiteSpec {
  const outcomes = ["TP", "FP", "TN", "FN"];
  const x = {
    field: "outcome",
    type: "nominal",
    sort: outcomes,
    title: null,
    axis: { labelAngle: 0 },
  };
  const y = {
    type: "quantitative",
    title: "share of Grad-CAM heat inside",
    scale: { domain: [0, 1] },
  };
  return {
    ...specBase(
      opts.title ?? "Grad-CAM heat inside the lung region",
      "per image: share of the heatmap inside the region; tick: mean per outcome",
    ),
    data: {
      values: points.filter((p) => Number.isFinite(p.mass)).map((p, i) => ({
        ...p,
        result: p.correct ? "correct" : "wrong",
        // Deterministic jitter (golden-ratio steps), so a rerun draws the same figure.
        jitter: (i * 0.6180339887) % 1,
      })),
    },
    facet: { field: "region", type: "nominal", title: null },
    spec: {
      width: 220,
      height: 220,
      layer: [
        {
          mark: { type: "circle", size: 40, opacity: 0.6 },
          encoding: {
            x,
            xOffset: { field: "jitter", type: "quantitative", scale: { domain: [-1.5, 2.5] } },
            y: { field: "mass", ...y },
            color: {
              field: "result",
              type: "nominal",
              title: null,
              scale: { domain: ["correct", "wrong"], range: [COLORS.NORMAL, COLORS.PNEUMONIA] },
            },
            tooltip: [{ field: "outcome" }, { field: "mass", format: ".3f" }],
          },
        },
        {
          mark: { type: "tick", color: "black", thickness: 2, size: 30 },
          encoding: { x, y: { aggregate: "mean", field: "mass", ...y } },
        },
      ],
    },
  } as unknown as VegaLiteSpec;
}

/** One split's value of one rate at one threshold. */
export interface ThresholdPoint {
  split: string;
  metric: string;
  threshold: number;
  value: number;
}

/**
 * Accuracy, sensitivity and specificity against the threshold, one panel per rate and one line
 * per split; thresholds sit at even steps (ordinal axis), since the ladder crowds towards 1.
 */
export function thresholdLadderSpec(
  points: readonly ThresholdPoint[],
  opts: ShiftFigureOptions = {},
): VegaLiteSpec {
  const thresholds = [...new Set(points.map((p) => p.threshold))].sort((a, b) => a - b);
  const label = (t: number) => String(Number(t.toPrecision(4)));
  return {
    ...specBase(
      opts.title ?? "Rates against the threshold",
      "prob >= threshold predicts PNEUMONIA; one line per split",
    ),
    data: { values: points.map((p) => ({ ...p, t: label(p.threshold) })) },
    facet: {
      field: "metric",
      type: "nominal",
      title: null,
      sort: ["accuracy", "sensitivity", "specificity"],
    },
    spec: {
      width: 220,
      height: 220,
      mark: { type: "line", point: true },
      encoding: {
        x: {
          field: "t",
          type: "ordinal",
          sort: thresholds.map(label),
          title: "threshold",
          axis: { labelAngle: -45 },
        },
        y: { field: "value", type: "quantitative", title: null, scale: { domain: [0, 1] } },
        color: {
          field: "split",
          type: "nominal",
          sort: opts.groups ?? ["validation", "test"],
          title: null,
          scale: { range: [COLORS.validation, COLORS.PNEUMONIA] },
        },
        tooltip: [{ field: "split" }, { field: "metric" }, { field: "t", title: "threshold" }, {
          field: "value",
          format: ".3f",
        }],
      },
    },
  } as unknown as VegaLiteSpec;
}
