/**
 * Shared look of every figure: DejaVu Sans (the font the PNG renderer has), readable sizes,
 * one colour per class and per train/validation series.
 *
 * @module
 */
import { VEGA_LITE_SCHEMA } from "./render.ts";

/** Colours: NORMAL / PNEUMONIA, and training / validation series (Tableau 10). */
export const COLORS = {
  NORMAL: "#4c78a8",
  PNEUMONIA: "#e45756",
  train: "#4c78a8",
  validation: "#f58518",
  marker: "#54a24b",
  guide: "#888888",
};

/** Top-level fields every spec starts with. */
export function specBase(title: string, description: string) {
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: { text: title, fontSize: 15 },
    description,
    background: "white",
    padding: 12,
    config: {
      font: "DejaVu Sans",
      axis: { labelFontSize: 11, titleFontSize: 12, grid: true },
      legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 320 },
      view: { stroke: "#dddddd" },
    },
  } as const;
}

/** Fixed-decimal number for labels. */
export const fixed = (
  v: number,
  digits = 3,
): string => (Number.isFinite(v) ? v.toFixed(digits) : "n/a");
