/**
 * ROC and precision-recall curves, one line per model, with the area in the legend.
 *
 * @module
 */
import type { PrCurve, RocCurve } from "../metrics/mod.ts";
import type { VegaLiteSpec } from "./render.ts";
import { COLORS, fixed, specBase } from "./_theme.ts";

/** A named model's ROC curve and AUC. */
export interface NamedRoc {
  name: string;
  curve: RocCurve;
  auc: number;
}
/** A named model's PR curve and average precision. */
export interface NamedPr {
  name: string;
  curve: PrCurve;
  ap: number;
}

/** Options for the curve figures. */
export interface CurveOptions {
  /** Title. Default "ROC curve" / "Precision-recall curve". */
  title?: string;
  /**
   * Where the legend goes: in a corner of the plot, or under it (for long model names, which
   * would cover the curves and the axis). Default "inside".
   */
  legend?: "inside" | "below";
}

const SIZE = { width: 340, height: 300 };
const unit = (field: string, title: string) => ({
  field,
  type: "quantitative",
  title,
  scale: { domain: [0, 1] },
});
const legend = { orient: "bottom-right", title: null, fillColor: "white", padding: 6 };

/** A labelled operating point on the ROC plane (e.g. the default threshold). */
export interface RocMarker {
  label: string;
  sensitivity: number;
  specificity: number;
}

/**
 * ROC curves with the chance diagonal; legend "name (AUC 0.954)"; `markers` are drawn as
 * labelled dots.
 */
export function rocSpec(
  models: NamedRoc[],
  opts: CurveOptions & { markers?: RocMarker[] } = {},
): VegaLiteSpec {
  const markers = (opts.markers ?? []).map((m) => ({
    label: m.label,
    fpr: 1 - m.specificity,
    tpr: m.sensitivity,
  }));
  const values = models.flatMap((m) =>
    m.curve.fpr.map((fpr, i) => ({
      model: `${m.name} (AUC ${fixed(m.auc)})`,
      fpr,
      tpr: m.curve.tpr[i],
      order: i,
    }))
  );
  return {
    ...specBase(opts.title ?? "ROC curve", "true positive rate against false positive rate"),
    ...SIZE,
    layer: [
      {
        data: { values: [{ fpr: 0, tpr: 0 }, { fpr: 1, tpr: 1 }] },
        mark: { type: "line", strokeDash: [4, 4], color: COLORS.guide },
        encoding: { x: unit("fpr", ""), y: unit("tpr", "") },
      },
      {
        data: { values },
        mark: { type: "line", strokeWidth: 2 },
        encoding: {
          x: unit("fpr", "false positive rate (1 - specificity)"),
          y: unit("tpr", "true positive rate (sensitivity)"),
          order: { field: "order", type: "quantitative" },
          color: {
            field: "model",
            type: "nominal",
            legend: opts.legend === "below"
              ? { ...legend, orient: "bottom", direction: "vertical" }
              : legend,
          },
        },
      },
      ...(markers.length === 0 ? [] : [{
        data: { values: markers },
        encoding: { x: unit("fpr", ""), y: unit("tpr", "") },
        layer: [
          { mark: { type: "point", filled: true, size: 60, color: "black" } },
          {
            mark: { type: "text", align: "left", dx: 7, dy: 9, fontSize: 10 },
            encoding: { text: { field: "label" } },
          },
        ],
      }]),
    ],
  } as VegaLiteSpec;
}

/**
 * PR curves drawn as the steps average precision sums (precision of each point held over the
 * recall interval to its left), with the positive-class prevalence as the no-skill line.
 */
export function prSpec(
  models: NamedPr[],
  opts: CurveOptions & { prevalence?: number } = {},
): VegaLiteSpec {
  const values = models.flatMap((m) => {
    const n = m.curve.recall.length;
    // Curves come in decreasing recall; draw them in increasing recall.
    return m.curve.recall.map((_, k) => {
      const i = n - 1 - k;
      return {
        model: `${m.name} (AP ${fixed(m.ap)})`,
        recall: m.curve.recall[i],
        precision: m.curve.precision[i],
        order: k,
      };
    });
  });
  const layer: unknown[] = [];
  if (opts.prevalence !== undefined) {
    layer.push({
      data: {
        values: [{ precision: opts.prevalence, label: `prevalence ${fixed(opts.prevalence)}` }],
      },
      layer: [
        {
          mark: { type: "rule", strokeDash: [4, 4], color: COLORS.guide },
          encoding: { y: unit("precision", "") },
        },
        {
          // Below the line at the right: a PR curve ends on this line at recall 1, from above.
          mark: {
            type: "text",
            x: SIZE.width - 4,
            dy: 9,
            align: "right",
            fontSize: 10,
            color: COLORS.guide,
          },
          encoding: { y: unit("precision", ""), text: { field: "label" } },
        },
      ],
    });
  }
  layer.push({
    data: { values },
    mark: { type: "line", strokeWidth: 2, interpolate: "step-before" },
    encoding: {
      x: unit("recall", "recall (sensitivity)"),
      y: unit("precision", "precision (positive predictive value)"),
      order: { field: "order", type: "quantitative" },
      color: { field: "model", type: "nominal", legend: { ...legend, orient: "bottom-left" } },
    },
  });
  return {
    ...specBase(opts.title ?? "Precision-recall curve", "precision against recall for PNEUMONIA"),
    ...SIZE,
    layer,
  } as VegaLiteSpec;
}
