/**
 * Grad-CAM pictures: a heatmap coloured with the jet colormap and alpha-composited (sharp)
 * over the grayscale X-ray, and a labelled grid of true/false positive/negative examples.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import sharp from "sharp";
import { CLASS_NAMES } from "../metrics/mod.ts";
import { imageGrid } from "../plots/mod.ts";

/** Jet colormap: 0 -> dark blue, 0.5 -> green, 1 -> dark red. */
export function jet(v: number): [number, number, number] {
  const c = (x: number) => Math.round(255 * Math.min(1, Math.max(0, x)));
  return [c(1.5 - Math.abs(4 * v - 3)), c(1.5 - Math.abs(4 * v - 2)), c(1.5 - Math.abs(4 * v - 1))];
}

/** Options for {@linkcode overlayHeatmap}. */
export interface OverlayOptions {
  /** Opacity of the heatmap where it is 1; it fades with the heat. Default 0.6. */
  alpha?: number;
}

/**
 * PNG of the `size * size` grayscale image with the heatmap (same size, values in [0, 1])
 * over it; the heat sets the colour and, scaled by `alpha`, the opacity.
 */
export async function overlayHeatmap(
  gray: Uint8Array,
  heat: Float32Array,
  size: number,
  opts: OverlayOptions = {},
): Promise<Uint8Array> {
  const alpha = opts.alpha ?? 0.6;
  const rgba = new Uint8Array(size * size * 4);
  heat.forEach((h, i) => {
    rgba.set(jet(h), 4 * i);
    rgba[4 * i + 3] = Math.round(255 * alpha * Math.sqrt(h));
  });
  const raw = { width: size, height: size, channels: 1 as const };
  const composed = await sharp(Buffer.from(gray), { raw })
    .toColourspace("srgb")
    .composite([{ input: Buffer.from(rgba), raw: { width: size, height: size, channels: 4 } }])
    .raw()
    .toBuffer({ resolveWithObject: true });
  // Compositing adds an alpha channel; the picture itself is opaque RGB.
  const png = await sharp(composed.data, { raw: composed.info }).removeAlpha().png().toBuffer();
  return new Uint8Array(png);
}

/** Outcome of a prediction: true/false positive/negative. */
export type Outcome = "TP" | "FP" | "TN" | "FN";
/** Grid rows, in this order. */
export const OUTCOMES: Outcome[] = ["TP", "FP", "TN", "FN"];
const OUTCOME_NAMES: Record<Outcome, string> = {
  TP: "true positive",
  FP: "false positive",
  TN: "true negative",
  FN: "false negative",
};

/**
 * The class whose score a Grad-CAM tile of this outcome explains: the predicted one (1 for
 * positives), so true and false negatives show what drove the NORMAL call.
 */
export function camClassOf(outcome: Outcome): 0 | 1 {
  return outcome === "TP" || outcome === "FP" ? 1 : 0;
}

/**
 * Up to `perOutcome` indices per outcome, the most confident first (TP and FP by highest
 * probability, TN and FN by lowest), so the grid shows the clearest successes and the worst
 * mistakes.
 */
export function pickExamples(
  rows: { label: 0 | 1; prob: number }[],
  threshold = 0.5,
  perOutcome = 4,
): Record<Outcome, number[]> {
  const picked = { TP: [], FP: [], TN: [], FN: [] } as Record<Outcome, number[]>;
  rows.forEach((r, i) => {
    const pred = r.prob >= threshold ? 1 : 0;
    picked[`${pred === r.label ? "T" : "F"}${pred ? "P" : "N"}` as Outcome].push(i);
  });
  for (const o of OUTCOMES) {
    const sign = o === "TP" || o === "FP" ? -1 : 1;
    picked[o] = picked[o].sort((a, b) => sign * (rows[a].prob - rows[b].prob)).slice(0, perOutcome);
  }
  return picked;
}

/** One tile of the grid: an overlay PNG and its caption. */
export interface GridTile {
  outcome: Outcome;
  png: Uint8Array;
  caption: string;
}

/**
 * PNG grid: one row per outcome (TP, FP, TN, FN; empty outcomes say "none"), tiles of `tile`
 * pixels with their captions below. Each row's note names the class its heat is for, the
 * predicted one (PNEUMONIA for TP and FP, NORMAL for TN and FN), as {@linkcode camClassOf} picks.
 */
export function camGrid(
  tiles: GridTile[],
  opts: { tile?: number; title?: string } = {},
): Promise<Uint8Array> {
  const rows = OUTCOMES.map((outcome) => ({
    label: outcome,
    note: `${OUTCOME_NAMES[outcome]}\nheat: ${CLASS_NAMES[camClassOf(outcome)]}`,
    tiles: tiles.filter((t) => t.outcome === outcome),
  }));
  return imageGrid(rows, { tile: opts.tile ?? 224, title: opts.title, fontSize: 12 });
}
