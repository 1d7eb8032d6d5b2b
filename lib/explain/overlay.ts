/**
 * Grad-CAM pictures: a heatmap coloured with the jet colormap and alpha-composited (sharp)
 * over the grayscale X-ray, and a labelled grid of true/false positive/negative examples.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import sharp, { type OverlayOptions as SharpOverlay } from "sharp";
import { ensureFontconfig } from "../plots/mod.ts";

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

const escapeXml = (s: string) => s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * PNG grid: one row per outcome (TP, FP, TN, FN; empty outcomes say "none"), tiles of `tile`
 * pixels with their captions below.
 */
export async function camGrid(
  tiles: GridTile[],
  opts: { tile?: number; title?: string } = {},
): Promise<Uint8Array> {
  ensureFontconfig();
  const tile = opts.tile ?? 224;
  const [labelW, captionH, titleH, gap] = [150, 22, opts.title ? 36 : 8, 8];
  const cols = Math.max(1, ...OUTCOMES.map((o) => tiles.filter((t) => t.outcome === o).length));
  const width = labelW + cols * (tile + gap);
  const rowH = tile + captionH + gap;
  const height = titleH + OUTCOMES.length * rowH;
  const layers: SharpOverlay[] = [];
  const text: string[] = [];
  if (opts.title) {
    text.push(
      `<text x="${gap}" y="25" font-size="18" font-weight="bold">${escapeXml(opts.title)}</text>`,
    );
  }
  for (const [r, outcome] of OUTCOMES.entries()) {
    const top = titleH + r * rowH;
    const row = tiles.filter((t) => t.outcome === outcome);
    text.push(
      `<text x="${gap}" y="${top + tile / 2}" font-size="16" font-weight="bold">${outcome}</text>`,
      `<text x="${gap}" y="${top + tile / 2 + 20}" font-size="12">${OUTCOME_NAMES[outcome]}</text>`,
    );
    if (row.length === 0) {
      text.push(`<text x="${labelW}" y="${top + tile / 2}" font-size="13" fill="#888">none</text>`);
    }
    for (const [c, t] of row.entries()) {
      const left = labelW + c * (tile + gap);
      const input = await sharp(t.png).resize(tile, tile, { fit: "fill" }).png().toBuffer();
      layers.push({ input, left, top });
      text.push(
        `<text x="${left}" y="${top + tile + 16}" font-size="12">${escapeXml(t.caption)}</text>`,
      );
    }
  }
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `font-family="DejaVu Sans, sans-serif">${text.join("")}</svg>`;
  layers.push({ input: Buffer.from(svg), left: 0, top: 0 });
  const png = await sharp({ create: { width, height, channels: 3, background: "white" } })
    .composite(layers)
    .png()
    .toBuffer();
  return new Uint8Array(png);
}
