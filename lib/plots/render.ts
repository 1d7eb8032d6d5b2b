/**
 * Headless figure rendering: Vega-Lite spec -> (vega-lite compile) Vega spec -> vega `View`
 * with renderer "none" -> `toSVG()` -> sharp (librsvg) -> PNG. Every figure is written three
 * times: `<name>.vl.json` (the Vega-Lite v5 spec, data inlined), `<name>.svg`, `<name>.png`.
 * In a notebook a figure is the spec plus its PNG (see {@linkcode vegaLiteBundle}).
 *
 * @module
 */
import process from "node:process";
import { Buffer } from "node:buffer";
import sharp from "sharp";
import type { TopLevelSpec } from "vega-lite";
import { writeFileAtomic, writeJsonAtomic } from "../util/atomic.ts";
import { ensureFontconfig } from "./fonts.ts";

/** A Vega-Lite v5 spec as written to `.vl.json`. */
export type VegaLiteSpec = TopLevelSpec;

/** The `$schema` every spec carries (vega-lite 5.23 is pinned; front ends render v5). */
export const VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json";

// vega pulls in node-fetch, whose whatwg-url prints a punycode deprecation warning on load;
// load it lazily with deprecation warnings off so CLI output stays clean.
async function libs() {
  process.noDeprecation = true;
  const [vega, vl] = await Promise.all([import("vega"), import("vega-lite")]);
  return { vega, vl };
}

/** Compiles a Vega-Lite spec to Vega (throws on an invalid spec). */
export async function compileSpec(spec: VegaLiteSpec): Promise<Record<string, unknown>> {
  const { vl } = await libs();
  return vl.compile(spec).spec as Record<string, unknown>;
}

/** Renders a Vega-Lite spec to SVG text, without a browser. */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const { vega, vl } = await libs();
  // vega tags the inline data objects it ingests; render a copy so `spec` stays plain JSON.
  const compiled = vl.compile(structuredClone(spec)).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: "none" });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Options for {@linkcode svgToPng} and {@linkcode writeFigure}. */
export interface PngOptions {
  /** Pixels per SVG unit; the PNG is `scale` times the SVG's width and height. Default 2. */
  scale?: number;
  /**
   * Quantise to a palette of at most 256 colours: charts have few colours, and the file is
   * about 60% smaller at no visible cost. Default true.
   */
  palette?: boolean;
}

/** Rasterises SVG text to PNG bytes, with the project fonts. */
export async function svgToPng(svg: string, opts: PngOptions = {}): Promise<Uint8Array> {
  ensureFontconfig();
  const density = 72 * (opts.scale ?? 2);
  const png = opts.palette ?? true ? { palette: true, compressionLevel: 9 } : {};
  return new Uint8Array(await sharp(Buffer.from(svg), { density }).png(png).toBuffer());
}

/** A rendered figure: its spec, SVG and PNG (and where its files are, once written). */
export interface Figure {
  spec: VegaLiteSpec;
  svg: string;
  png: Uint8Array;
  /** The three files, when written by {@linkcode writeFigure}. */
  files?: { vl: string; svg: string; png: string };
}

/** Renders `spec` to SVG and PNG without writing anything. */
export async function renderFigure(spec: VegaLiteSpec, opts: PngOptions = {}): Promise<Figure> {
  const svg = await renderSvg(spec);
  return { spec, svg, png: await svgToPng(svg, opts) };
}

/** Renders `spec` and writes `<base>.vl.json`, `<base>.svg` and `<base>.png`. */
export async function writeFigure(
  spec: VegaLiteSpec,
  base: string,
  opts: PngOptions = {},
): Promise<Figure> {
  const figure = await renderFigure(spec, opts);
  const files = { vl: `${base}.vl.json`, svg: `${base}.svg`, png: `${base}.png` };
  await writeJsonAtomic(files.vl, spec);
  await writeFileAtomic(files.svg, figure.svg);
  await writeFileAtomic(files.png, figure.png);
  return { ...figure, files };
}

/**
 * A Vega-Lite spec and its PNG as a notebook MIME bundle for `Deno.jupyter.display`:
 * `application/vnd.vegalite.v5+json` (JupyterLab and VS Code render v5; no front end renders a
 * v6 MIME type) with the PNG as `image/png` for everything else (`jupyter nbconvert --to html`,
 * GitHub, nbviewer). Not the SVG: nbconvert prefers `image/svg+xml` to `image/png` and then
 * strips the inline SVG as unsafe HTML, leaving an empty box.
 */
export function vegaLiteBundle(spec: VegaLiteSpec, png: Uint8Array): Deno.jupyter.MediaBundle {
  const title = (spec as { description?: string }).description ?? "Vega-Lite figure";
  return {
    "application/vnd.vegalite.v5+json": spec as unknown as { $schema: string },
    "image/png": Buffer.from(png).toString("base64"),
    "text/plain": `<${title}>`,
  };
}

/**
 * Display metadata that sizes the PNG rendition at the SVG's own width and height (CSS pixels;
 * the PNG holds `scale` times as many, so it stays sharp on high-density screens).
 */
export function figureMetadata(figure: Pick<Figure, "svg">): Record<string, unknown> {
  const m = figure.svg.match(/<svg[^>]*?\swidth="([\d.]+)"[^>]*?\sheight="([\d.]+)"/);
  return m ? { "image/png": { width: Number(m[1]), height: Number(m[2]) } } : {};
}

/** {@linkcode vegaLiteBundle} of a rendered {@linkcode Figure}. */
export function figureBundle(figure: Pick<Figure, "spec" | "png">): Deno.jupyter.MediaBundle {
  return vegaLiteBundle(figure.spec, figure.png);
}
