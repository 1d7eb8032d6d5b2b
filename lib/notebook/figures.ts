/**
 * Figures for notebooks: a Vega-Lite chart rendered and shown (with its SVG fallback, and
 * optionally written to disk), grayscale pixels as PNG, file previews that keep the aspect
 * ratio, and a labelled grid of image tiles as one PNG.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { readFile } from "node:fs/promises";
import sharp from "sharp";
import {
  ensureFontconfig,
  renderSvg,
  vegaLiteBundle,
  type VegaLiteSpec,
  writeFigure,
} from "../plots/mod.ts";
import { show } from "./display.ts";

/** Renders `spec` and displays it; with `save`, also writes `<save>.vl.json/.svg/.png`. */
export async function showChart(spec: VegaLiteSpec, opts: { save?: string } = {}): Promise<void> {
  const svg = opts.save ? (await writeFigure(spec, opts.save)).svg : await renderSvg(spec);
  await show(vegaLiteBundle(spec, svg));
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

/** One row of {@linkcode imageGrid}: a label on the left, then tiles with captions. */
export interface GridRow {
  label: string;
  /** A second, smaller line under the label. Default: none. */
  note?: string;
  tiles: { png: Uint8Array; caption: string }[];
}

/** Options for {@linkcode imageGrid}. */
export interface ImageGridOptions {
  /** Tile side in pixels (tiles are resized to fit, aspect kept). Default 160. */
  tile?: number;
  /** Title above the grid. Default: none. */
  title?: string;
  /** Width of the label column. Default 150. */
  labelWidth?: number;
}

const escapeXml = (s: string) => s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** A PNG grid: one row per {@linkcode GridRow}, tiles with captions below them. */
export async function imageGrid(rows: GridRow[], opts: ImageGridOptions = {}): Promise<Uint8Array> {
  ensureFontconfig();
  const tile = opts.tile ?? 160;
  const labelW = opts.labelWidth ?? 150;
  const [captionH, gap, titleH] = [20, 8, opts.title ? 34 : 8];
  const cols = Math.max(1, ...rows.map((r) => r.tiles.length));
  const width = labelW + cols * (tile + gap);
  const rowH = tile + captionH + gap;
  const height = titleH + rows.length * rowH;
  const layers: { input: Buffer; left: number; top: number }[] = [];
  const text: string[] = [];
  if (opts.title) {
    text.push(
      `<text x="${gap}" y="24" font-size="17" font-weight="bold">${escapeXml(opts.title)}</text>`,
    );
  }
  for (const [r, row] of rows.entries()) {
    const top = titleH + r * rowH;
    text.push(
      `<text x="${gap}" y="${top + tile / 2}" font-size="14" font-weight="bold">${
        escapeXml(row.label)
      }</text>`,
    );
    if (row.note) {
      text.push(
        `<text x="${gap}" y="${top + tile / 2 + 18}" font-size="11">${escapeXml(row.note)}</text>`,
      );
    }
    for (const [c, t] of row.tiles.entries()) {
      const left = labelW + c * (tile + gap);
      const input = await sharp(t.png)
        .resize(tile, tile, { fit: "contain", background: "white" })
        .png()
        .toBuffer();
      layers.push({ input, left, top });
      text.push(
        `<text x="${left}" y="${top + tile + 14}" font-size="11">${escapeXml(t.caption)}</text>`,
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

/** Shows a figure written by `writeFigure`: `<base>.vl.json` with `<base>.svg` as fallback. */
export async function showFigureFiles(base: string): Promise<void> {
  const spec = JSON.parse(await readFile(`${base}.vl.json`, "utf8")) as VegaLiteSpec;
  await show(vegaLiteBundle(spec, await readFile(`${base}.svg`, "utf8")));
}
