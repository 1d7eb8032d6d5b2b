/**
 * Display helpers for the Deno kernel: tables (arquero, as HTML), PNG images and Markdown, each
 * as a MIME bundle for `Deno.jupyter.display`; charts come as bundles from lib/plots
 * (`figureBundle`) and go through the same {@linkcode show}.
 * Outside a kernel (scripts, tests) `show` prints the bundle's text/plain instead, so notebook
 * code also runs as a plain script. A {@linkcode liveDisplay} is one output replaced in place
 * (training's live history table).
 *
 * @module
 */
import * as aq from "arquero";
import { Buffer } from "node:buffer";

/** A Jupyter MIME bundle (MIME type -> data). */
export type MediaBundle = Deno.jupyter.MediaBundle;

/** Options for {@linkcode tableBundle}. */
export interface TableOptions {
  /** Most rows shown. Default: 50. */
  limit?: number;
  /** A caption above the table. Default: none. */
  caption?: string;
}

/** A table (arquero table or list of row objects) as HTML plus a Markdown text/plain. */
export function tableBundle(
  table: aq.ColumnTable | Record<string, unknown>[],
  opts: TableOptions = {},
): MediaBundle {
  const t = table instanceof aq.ColumnTable ? table : aq.from(table);
  const limit = opts.limit ?? 50;
  const rows = t.numRows();
  const note = rows > limit ? `showing ${limit} of ${rows} rows` : "";
  const caption = [opts.caption, note].filter(Boolean).join(" — ");
  const html = (caption ? `<p><b>${escapeHtml(caption)}</b></p>` : "") + t.toHTML({ limit });
  const text = (caption ? caption + "\n" : "") + t.toMarkdown({ limit });
  return { "text/html": html, "text/plain": text };
}

/** A PNG image (encoded bytes) as a base64 bundle. */
export function imageBundle(png: Uint8Array, opts: { alt?: string } = {}): MediaBundle {
  const isPng = png.length >= 8 && png[0] === 0x89 && png[1] === 0x50 && png[2] === 0x4e &&
    png[3] === 0x47;
  if (!isPng) throw new Error("imageBundle: the bytes are not a PNG file (bad signature)");
  return {
    "image/png": Buffer.from(png).toString("base64"),
    "text/plain": opts.alt ?? `<PNG image, ${png.length} bytes>`,
  };
}

/** Markdown text. */
export function markdownBundle(markdown: string): MediaBundle {
  return { "text/markdown": markdown, "text/plain": markdown };
}

/** The part of `Deno.jupyter` the display helpers use (tests pass a stand-in). */
export interface JupyterApi {
  display(
    obj: unknown,
    options?: { raw?: boolean; display_id?: string; update?: boolean },
  ): unknown;
  /** Sends a raw message (an output with metadata, which `display` cannot carry). */
  broadcast?(msgType: string, content: Record<string, unknown>): unknown;
}

/** Options for {@linkcode show}. */
export interface ShowOptions {
  /** Id that later `update: true` calls target. Default: none. */
  displayId?: string;
  /** Replace the earlier output with `displayId` instead of adding one. Default: false. */
  update?: boolean;
  /** Output metadata per MIME type, e.g. `{ "image/png": { width: 400 } }`. Default: none. */
  metadata?: Record<string, unknown>;
  /** The kernel to display in. Default: {@linkcode jupyterKernel}. */
  jupyter?: JupyterApi;
}

/** Displays a bundle in the notebook, or prints its text/plain outside a kernel. */
export async function show(bundle: MediaBundle, opts: ShowOptions = {}): Promise<void> {
  const jupyter = opts.jupyter ?? jupyterKernel();
  if (jupyter?.broadcast && opts.metadata) {
    // `display` sends no metadata; the raw message does.
    await jupyter.broadcast(opts.update ? "update_display_data" : "display_data", {
      data: bundle,
      metadata: opts.metadata,
      transient: opts.displayId ? { display_id: opts.displayId } : {},
    });
  } else if (jupyter) {
    await jupyter.display(bundle, { raw: true, display_id: opts.displayId, update: opts.update });
  } else {
    console.log(String(bundle["text/plain"] ?? Object.keys(bundle).join(", ")));
  }
}

/** Shows a table. */
export function showTable(
  table: aq.ColumnTable | Record<string, unknown>[],
  opts?: TableOptions,
): Promise<void> {
  return show(tableBundle(table, opts));
}

/** Shows a PNG image. */
export function showImage(png: Uint8Array, opts?: { alt?: string }): Promise<void> {
  return show(imageBundle(png, opts));
}

/** Shows Markdown. */
export function showMarkdown(markdown: string): Promise<void> {
  return show(markdownBundle(markdown));
}

/** An output that can be replaced in place (live progress, a growing chart). */
export interface LiveDisplay {
  /** Whether a notebook kernel shows it; elsewhere each update prints its text/plain. */
  readonly available: boolean;
  /** Shows `bundle`: the first call adds the output, later calls replace it. */
  update(bundle: MediaBundle): Promise<void>;
}

/**
 * Creates a {@linkcode LiveDisplay} with a fresh display id, in `options.jupyter` (default:
 * {@linkcode jupyterKernel}).
 */
export function liveDisplay(options: { jupyter?: JupyterApi } = {}): LiveDisplay {
  const jupyter = options.jupyter ?? jupyterKernel();
  const displayId = `cxr-${crypto.randomUUID()}`;
  let shown = false;
  return {
    available: jupyter !== undefined,
    async update(bundle) {
      const update = shown;
      shown = true;
      await show(bundle, { displayId, update, jupyter });
    },
  };
}

/** `Deno.jupyter` inside a kernel; undefined elsewhere (where even reading it throws). */
export function jupyterKernel(): JupyterApi | undefined {
  try {
    return typeof Deno.jupyter?.display === "function" ? Deno.jupyter : undefined;
  } catch {
    return undefined;
  }
}

function escapeHtml(s: string): string {
  return s.replace(
    /[&<>"]/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!,
  );
}
