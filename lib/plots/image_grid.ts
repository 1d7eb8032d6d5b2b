/**
 * A labelled grid of image tiles composed into one PNG (sharp): a label column on the left,
 * one row per {@linkcode GridRow}, captions under the tiles, an optional title on top. Used for
 * Grad-CAM outcome grids, augmentation previews and dataset samples.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import sharp from "sharp";
import { ensureFontconfig } from "./fonts.ts";

/** One row of {@linkcode imageGrid}: a label on the left, then tiles with captions. */
export interface GridRow {
  label: string;
  /** A second, smaller line under the label. Default: none. */
  note?: string;
  /** The row's images (any size; PNG or another format sharp reads). An empty row says "none". */
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
  /**
   * Caption and note text size in pixels; labels are 3 px and the title 6 px larger, and the
   * caption strip (2 * fontSize - 2) and title strip (2 * fontSize + 12) grow with it. Default 11.
   */
  fontSize?: number;
}

const escapeXml = (s: string) => s.replace(/[<>&"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** A PNG grid: one row per {@linkcode GridRow}, tiles with captions below them. */
export async function imageGrid(rows: GridRow[], opts: ImageGridOptions = {}): Promise<Uint8Array> {
  ensureFontconfig();
  const tile = opts.tile ?? 160;
  const labelW = opts.labelWidth ?? 150;
  const font = opts.fontSize ?? 11;
  const [captionH, gap, titleH] = [2 * font - 2, 8, opts.title ? 2 * font + 12 : 8];
  const cols = Math.max(1, ...rows.map((r) => r.tiles.length));
  const width = labelW + cols * (tile + gap);
  const rowH = tile + captionH + gap;
  const height = titleH + rows.length * rowH;
  const layers: { input: Buffer; left: number; top: number }[] = [];
  const text: string[] = [];
  if (opts.title) {
    text.push(
      `<text x="${gap}" y="${font + 13}" font-size="${font + 6}" font-weight="bold">${
        escapeXml(opts.title)
      }</text>`,
    );
  }
  for (const [r, row] of rows.entries()) {
    const top = titleH + r * rowH;
    const middle = top + tile / 2;
    text.push(
      `<text x="${gap}" y="${middle}" font-size="${font + 3}" font-weight="bold">${
        escapeXml(row.label)
      }</text>`,
    );
    if (row.note) {
      text.push(
        `<text x="${gap}" y="${middle + font + 7}" font-size="${font}">${
          escapeXml(row.note)
        }</text>`,
      );
    }
    if (row.tiles.length === 0) {
      text.push(
        `<text x="${labelW}" y="${middle}" font-size="${font + 1}" fill="#888">none</text>`,
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
        `<text x="${left}" y="${top + tile + font + 3}" font-size="${font}">${
          escapeXml(t.caption)
        }</text>`,
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
