/**
 * Accuracy against cost: one dot per model, accuracy on the y axis, beside each other inference
 * latency (ms per image) and weights size (MB) on the x axes, one row of panels per protocol.
 *
 * @module
 */
import type { VegaLiteSpec } from "./render.ts";
import { fixed, specBase } from "./_theme.ts";

/** One model on one protocol: its accuracy and what it costs. */
export interface TradeoffPoint {
  /** Row label, e.g. the protocol. */
  group: string;
  /** Model name (colour and label). */
  model: string;
  /** Test accuracy (a mean over seeds, say so in `note`). */
  accuracy: number;
  /** Median milliseconds of one image at batch 1. */
  latencyMs: number;
  /** Size of the weights file, MB (10^6 bytes). */
  weightsMb: number;
  /** Shown on hover, e.g. "2 seeds, 224 px". Default: none. */
  note?: string;
}

/** Options for {@linkcode tradeoffSpec}. */
export interface TradeoffOptions {
  /** Title. Default "Accuracy against latency and size". */
  title?: string;
}

/** The two cost axes, in panel order. */
const COSTS = [
  { field: "latencyMs", title: "latency, ms per image (batch 1)" },
  { field: "weightsMb", title: "weights, MB" },
] as const;

/**
 * Scatter panels: rows are `group`s, columns the two costs (each with its own x scale, from 0),
 * y is accuracy; dots are coloured by model and labelled with their accuracy.
 */
export function tradeoffSpec(points: TradeoffPoint[], opts: TradeoffOptions = {}): VegaLiteSpec {
  const values = points.flatMap((p) =>
    COSTS.map((c) => ({
      group: p.group,
      model: p.model,
      cost: c.title,
      value: p[c.field],
      accuracy: p.accuracy,
      label: fixed(p.accuracy),
      note: p.note ?? "",
    }))
  );
  const accuracies = points.map((p) => p.accuracy);
  const low = Math.max(0, Math.floor((Math.min(...accuracies, 1) - 0.05) * 20) / 20);
  const encoding = {
    x: { field: "value", type: "quantitative", title: null, scale: { zero: true } },
    y: {
      field: "accuracy",
      type: "quantitative",
      title: "test accuracy",
      scale: { domain: [low, 1] },
    },
    color: { field: "model", type: "nominal", title: null, legend: { orient: "bottom" } },
  };
  return {
    ...specBase(opts.title ?? "Accuracy against latency and size", "accuracy against cost"),
    data: { values },
    facet: {
      row: {
        field: "group",
        type: "nominal",
        title: null,
        // Above its panels, not rotated beside them (a long label would stretch the row).
        header: { labelAngle: 0, labelOrient: "top", labelAnchor: "start", labelFontSize: 12 },
      },
      column: {
        field: "cost",
        type: "nominal",
        title: null,
        sort: COSTS.map((c) => c.title),
        header: { labelFontSize: 12 },
      },
    },
    spec: {
      width: 260,
      height: 180,
      layer: [
        {
          mark: { type: "point", filled: true, size: 120 },
          encoding: {
            ...encoding,
            tooltip: [
              { field: "model" },
              { field: "accuracy", format: ".3f" },
              { field: "value", title: "cost", format: ".2f" },
              { field: "note" },
            ],
          },
        },
        {
          // An invisible dot at 1.2 times the largest cost keeps the dots off the right edge.
          transform: [
            { joinaggregate: [{ op: "max", field: "value", as: "max" }], groupby: ["cost"] },
            { calculate: "datum.max * 1.2", as: "value" },
          ],
          mark: { type: "point", opacity: 0 },
          encoding: { x: encoding.x, y: encoding.y },
        },
        {
          mark: { type: "text", dy: -14, fontSize: 11 },
          encoding: { ...encoding, text: { field: "label" } },
        },
      ],
    },
    resolve: { scale: { x: "independent" } },
  } as unknown as VegaLiteSpec;
}
