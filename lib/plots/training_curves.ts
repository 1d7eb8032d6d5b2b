/**
 * Training curves: accuracy and loss per epoch, training vs validation, with the boundary
 * between stage 1 (frozen base) and stage 2 (fine-tuning) and the best epoch marked.
 *
 * @module
 */
import type { Monitor } from "../config.ts";
import type { VegaLiteSpec } from "./render.ts";
import { COLORS, specBase } from "./_theme.ts";

/** The history columns the figure uses (a run's history.json rows have these and more). */
export interface HistoryPoint {
  epoch: number;
  stage: number;
  loss: number;
  accuracy: number;
  val_loss: number;
  val_accuracy: number;
}

/** Options for {@linkcode trainingCurvesSpec}. */
export interface TrainingCurvesOptions {
  /** Epoch of the kept checkpoint. Default: {@linkcode bestEpochOf} with `monitor`. */
  bestEpoch?: number;
  /** What the checkpoint watched. Default "val_accuracy" (the paper's ModelCheckpoint). */
  monitor?: Monitor;
  /** Title. Default "Training curves". */
  title?: string;
}

/** The epoch with the highest val_accuracy, or lowest val_loss; the first on ties. */
export function bestEpochOf(
  history: HistoryPoint[],
  monitor: Monitor = "val_accuracy",
): number | undefined {
  const better = (a: HistoryPoint, b: HistoryPoint) =>
    monitor === "val_loss" ? a.val_loss < b.val_loss : a.val_accuracy > b.val_accuracy;
  let best: HistoryPoint | undefined;
  for (const h of history) if (!best || better(h, best)) best = h;
  return best?.epoch;
}

function panel(
  history: HistoryPoint[],
  metric: "accuracy" | "loss",
  stageBoundary: number | undefined,
  bestEpoch: number | undefined,
) {
  const values = history.flatMap((h) => [
    { epoch: h.epoch, series: "train", value: h[metric] },
    { epoch: h.epoch, series: "validation", value: h[`val_${metric}`] },
  ]);
  const best = history.find((h) => h.epoch === bestEpoch);
  // Explicit ticks: with few epochs Vega's nice ticks fall between them and "d" repeats labels.
  const epochs = [...new Set(history.map((h) => h.epoch))].sort((a, b) => a - b);
  const layers: unknown[] = [{
    data: { values },
    mark: { type: "line", point: true },
    encoding: {
      x: {
        field: "epoch",
        type: "quantitative",
        title: "epoch",
        axis: { values: epochs, format: "d" },
      },
      y: { field: "value", type: "quantitative", title: metric, scale: { zero: false } },
      color: {
        field: "series",
        type: "nominal",
        title: null,
        scale: { domain: ["train", "validation"], range: [COLORS.train, COLORS.validation] },
        legend: { orient: "bottom" },
      },
    },
  }];
  if (stageBoundary !== undefined) {
    layers.push({
      data: { values: [{ x: stageBoundary, label: "stage 2 (fine-tune)" }] },
      layer: [
        {
          mark: { type: "rule", strokeDash: [6, 4], color: COLORS.guide },
          encoding: { x: { field: "x", type: "quantitative" } },
        },
        {
          mark: {
            type: "text",
            align: "left",
            baseline: "top",
            dx: 4,
            y: 4,
            color: COLORS.guide,
            fontSize: 10,
          },
          encoding: { x: { field: "x", type: "quantitative" }, text: { field: "label" } },
        },
      ],
    });
  }
  if (best) {
    layers.push({
      data: {
        values: [{
          epoch: best.epoch,
          value: best[`val_${metric}`],
          label: `best epoch ${best.epoch}`,
        }],
      },
      layer: [
        {
          mark: { type: "rule", color: COLORS.marker, strokeDash: [2, 2] },
          encoding: { x: { field: "epoch", type: "quantitative" } },
        },
        {
          mark: { type: "point", shape: "diamond", size: 140, filled: true, color: COLORS.marker },
          encoding: {
            x: { field: "epoch", type: "quantitative" },
            y: { field: "value", type: "quantitative" },
          },
        },
        {
          mark: { type: "text", align: "left", dx: 6, dy: -10, color: COLORS.marker, fontSize: 10 },
          encoding: {
            x: { field: "epoch", type: "quantitative" },
            y: { field: "value", type: "quantitative" },
            text: { field: "label" },
          },
        },
      ],
    });
  }
  return { title: metric, width: 320, height: 220, layer: layers };
}

/** Accuracy and loss curves side by side from per-epoch history rows. */
export function trainingCurvesSpec(
  history: HistoryPoint[],
  opts: TrainingCurvesOptions = {},
): VegaLiteSpec {
  const firstStage2 = history.find((h) => h.stage === 2);
  const hasStage1 = history.some((h) => h.stage === 1);
  const boundary = firstStage2 && hasStage1 ? firstStage2.epoch - 0.5 : undefined;
  const bestEpoch = opts.bestEpoch ?? bestEpochOf(history, opts.monitor);
  return {
    ...specBase(
      opts.title ?? "Training curves",
      "accuracy and loss per epoch, train vs validation",
    ),
    hconcat: [
      panel(history, "accuracy", boundary, bestEpoch),
      panel(history, "loss", boundary, bestEpoch),
    ],
    resolve: { scale: { color: "shared" } },
  } as VegaLiteSpec;
}
