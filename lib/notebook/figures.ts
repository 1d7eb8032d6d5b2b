/**
 * Figures for notebooks: a Vega-Lite chart rendered and shown (with its PNG rendition, and
 * optionally written to disk), grayscale pixels as PNG, file previews that keep the aspect
 * ratio, and a labelled grid of image tiles as one PNG.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { readFile } from "node:fs/promises";
import sharp from "sharp";
import {
  type Figure,
  figureBundle,
  figureMetadata,
  renderFigure,
  svgToPng,
  type VegaLiteSpec,
  writeFigure,
} from "../plots/mod.ts";
import { show } from "./display.ts";

export { type GridRow, imageGrid, type ImageGridOptions } from "../plots/mod.ts";

/** Renders `spec` and displays it; with `save`, also writes `<save>.vl.json/.svg/.png`. */
export async function showChart(spec: VegaLiteSpec, opts: { save?: string } = {}): Promise<void> {
  await showFigure(opts.save ? await writeFigure(spec, opts.save) : await renderFigure(spec));
}

/** Shows a rendered figure: its Vega-Lite spec, with the PNG sized as the SVG. */
export async function showFigure(figure: Pick<Figure, "spec" | "svg" | "png">): Promise<void> {
  await show(figureBundle(figure), { metadata: figureMetadata(figure) });
}

/** `width * height` uint8 gray values (row-major) as PNG bytes. */
export async function grayPng(
  gray: Uint8Array,
  width: number,
  height = width,
): Promise<Uint8Array> {
  if (gray.length !== width * height) {
    throw new Error(`grayPng: ${gray.length} values for ${width}x${height}`);
  }
  const png = await sharp(Buffer.from(gray), { raw: { width, height, channels: 1 } })
    .toColourspace("b-w")
    .png()
    .toBuffer();
  return new Uint8Array(png);
}

/**
 * An image file as a `tile` x `tile` gray PNG that keeps the aspect ratio (white bars), decoded
 * like the pipeline decodes: embedded ICC profiles ignored.
 */
export async function previewPng(bytes: Uint8Array, tile: number): Promise<Uint8Array> {
  const png = await sharp(bytes, { ignoreIcc: true })
    .greyscale()
    .resize(tile, tile, { fit: "contain", background: "white" })
    .png()
    .toBuffer();
  return new Uint8Array(png);
}

/**
 * Shows a figure written by `writeFigure`: `<base>.vl.json` with a PNG of `<base>.svg` (made
 * afresh, so figures written before PNGs were palette-quantised show as small as new ones).
 */
export async function showFigureFiles(base: string): Promise<void> {
  const spec = JSON.parse(await readFile(`${base}.vl.json`, "utf8")) as VegaLiteSpec;
  const svg = await readFile(`${base}.svg`, "utf8");
  await showFigure({ spec, svg, png: await svgToPng(svg) });
}
