/**
 * Jupyter notebooks on disk (nbformat 4.5): read, validate the parts the runner relies on,
 * build outputs in the documented layout, write back with Jupyter's own formatting (one-space
 * indent, sorted keys, multi-line strings as lists of lines) so diffs stay small.
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import { fail } from "../errors.ts";
import { writeFileAtomic } from "../util/atomic.ts";

/** Text in nbformat: one string, or a list of lines each ending in "\n" but the last. */
export type MultilineString = string | string[];

/** A MIME bundle: text types as multi-line strings, JSON types as objects. */
export type MimeBundle = Record<string, MultilineString | object>;

/** A stream output (stdout/stderr). */
export interface StreamOutput {
  output_type: "stream";
  name: "stdout" | "stderr";
  text: MultilineString;
}
/** A rich display. */
export interface DisplayDataOutput {
  output_type: "display_data";
  data: MimeBundle;
  metadata: Record<string, unknown>;
}
/** The value of a cell's last expression. */
export interface ExecuteResultOutput {
  output_type: "execute_result";
  execution_count: number | null;
  data: MimeBundle;
  metadata: Record<string, unknown>;
}
/** An exception raised by a cell. */
export interface ErrorOutput {
  output_type: "error";
  ename: string;
  evalue: string;
  traceback: string[];
}
/** Any code-cell output. */
export type Output = StreamOutput | DisplayDataOutput | ExecuteResultOutput | ErrorOutput;

/** A code cell. */
export interface CodeCell {
  cell_type: "code";
  id: string;
  source: MultilineString;
  metadata: Record<string, unknown>;
  execution_count: number | null;
  outputs: Output[];
}
/** A markdown or raw cell. */
export interface TextCell {
  cell_type: "markdown" | "raw";
  id: string;
  source: MultilineString;
  metadata: Record<string, unknown>;
  attachments?: Record<string, MimeBundle>;
}
/** Any cell. */
export type Cell = CodeCell | TextCell;

/** A notebook. */
export interface Notebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: Record<string, unknown>;
  cells: Cell[];
}

/** The kernelspec the workspace's notebooks declare (matches `deno jupyter --install`). */
export const DENO_KERNELSPEC = { name: "deno", display_name: "Deno", language: "typescript" };

/** Joins a multi-line string into one string. */
export function joinLines(text: MultilineString): string {
  return Array.isArray(text) ? text.join("") : text;
}

/** Splits text into Jupyter's list-of-lines form (each line keeps its "\n"). */
export function splitLines(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

/** A fresh cell id as nbformat 4.5 wants it (letters, digits, '-', '_'; 1-64 chars). */
export function newCellId(): string {
  return crypto.randomUUID().replaceAll("-", "").slice(0, 16);
}

/** Builds a code cell. */
export function codeCell(source: string, id: string = newCellId()): CodeCell {
  return {
    cell_type: "code",
    id,
    source: splitLines(source),
    metadata: {},
    execution_count: null,
    outputs: [],
  };
}

/** Builds a markdown cell. */
export function markdownCell(source: string, id: string = newCellId()): TextCell {
  return { cell_type: "markdown", id, source: splitLines(source), metadata: {} };
}

/** Builds an empty notebook that declares the Deno kernel. */
export function newNotebook(cells: Cell[] = []): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { ...DENO_KERNELSPEC } },
    cells,
  };
}

/**
 * Checks `value` against the nbformat 4 schema's rules for the notebook, its cells and their
 * outputs; returns the problems found (each naming the cell and output), empty when valid.
 */
export function validateNotebook(value: unknown): string[] {
  const problems: string[] = [];
  const nb = value as Notebook;
  if (typeof nb !== "object" || nb === null) return ["not a JSON object"];
  if (nb.nbformat !== 4) problems.push(`nbformat is ${nb.nbformat}, expected 4`);
  if (typeof nb.nbformat_minor !== "number") problems.push("nbformat_minor is missing");
  if (typeof nb.metadata !== "object" || nb.metadata === null) problems.push("metadata is missing");
  if (!Array.isArray(nb.cells)) return [...problems, "cells is not a list"];
  const ids = new Set<string>();
  nb.cells.forEach((cell, i) => {
    const where = `cell ${i + 1}`;
    if (!["code", "markdown", "raw"].includes(cell.cell_type)) {
      problems.push(`${where}: unknown cell_type '${cell.cell_type}'`);
      return;
    }
    if (nb.nbformat_minor >= 5) {
      if (typeof cell.id !== "string" || !/^[a-zA-Z0-9_-]{1,64}$/.test(cell.id)) {
        problems.push(`${where}: id must be 1-64 letters, digits, '-' or '_'`);
      } else if (ids.has(cell.id)) problems.push(`${where}: duplicate id '${cell.id}'`);
      else ids.add(cell.id);
    }
    if (!isMultiline(cell.source)) {
      problems.push(`${where}: source must be a string or list of strings`);
    }
    if (typeof cell.metadata !== "object" || cell.metadata === null) {
      problems.push(`${where}: metadata is missing`);
    }
    if (cell.cell_type !== "code") {
      if ("outputs" in cell || "execution_count" in cell) {
        problems.push(`${where}: a ${cell.cell_type} cell has no outputs or execution_count`);
      }
      return;
    }
    if (!(cell.execution_count === null || Number.isInteger(cell.execution_count))) {
      problems.push(`${where}: execution_count must be an integer or null`);
    }
    if (!Array.isArray(cell.outputs)) {
      problems.push(`${where}: outputs is not a list`);
      return;
    }
    cell.outputs.forEach((out, j) =>
      problems.push(...validateOutput(out, `${where} output ${j + 1}`))
    );
  });
  return problems;
}

function validateOutput(out: Output, where: string): string[] {
  const problems: string[] = [];
  const need = (keys: string[]) => {
    for (const k of keys) {
      if (!(k in out)) problems.push(`${where}: ${out.output_type} needs '${k}'`);
    }
  };
  switch (out.output_type) {
    case "stream":
      need(["name", "text"]);
      if (out.name !== "stdout" && out.name !== "stderr") {
        problems.push(`${where}: bad stream name`);
      }
      if (!isMultiline(out.text)) {
        problems.push(`${where}: text must be a string or list of strings`);
      }
      break;
    case "display_data":
    case "execute_result":
      need(["data", "metadata"]);
      if (out.output_type === "execute_result") {
        need(["execution_count"]);
        if (!(out.execution_count === null || Number.isInteger(out.execution_count))) {
          problems.push(`${where}: execution_count must be an integer or null`);
        }
      }
      for (const [mime, v] of Object.entries(out.data ?? {})) {
        if (!/^[^/\s]+\/[^/\s]+$/.test(mime)) problems.push(`${where}: bad MIME type '${mime}'`);
        const json = /json$/.test(mime);
        if (json ? typeof v !== "object" || v === null : !isMultiline(v)) {
          problems.push(`${where}: '${mime}' must be ${json ? "an object" : "text"}`);
        }
      }
      if ("transient" in out) problems.push(`${where}: 'transient' must not be stored`);
      break;
    case "error":
      need(["ename", "evalue", "traceback"]);
      if (!Array.isArray(out.traceback) || !out.traceback.every((l) => typeof l === "string")) {
        problems.push(`${where}: traceback must be a list of strings`);
      }
      break;
    default:
      problems.push(
        `${where}: unknown output_type '${(out as { output_type: string }).output_type}'`,
      );
  }
  return problems;
}

function isMultiline(v: unknown): boolean {
  return typeof v === "string" || (Array.isArray(v) && v.every((l) => typeof l === "string"));
}

/** Reads and validates a notebook; throws a CxrError naming the file and the problem. */
export async function readNotebook(path: string): Promise<Notebook> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, "utf8"));
  } catch (err) {
    fail(`cannot read notebook ${path}: ${(err as Error).message}`, { cause: err });
  }
  const problems = validateNotebook(value);
  if (problems.length) {
    fail(`${path} is not a valid nbformat 4 notebook: ${problems.slice(0, 5).join("; ")}`);
  }
  const nb = value as Notebook;
  // Older 4.x notebooks have no cell ids; give them ids so the file becomes 4.5.
  if (nb.nbformat_minor < 5) {
    nb.nbformat_minor = 5;
    for (const c of nb.cells) c.id ??= newCellId();
  }
  return nb;
}

/** Writes a notebook atomically in Jupyter's layout (indent 1, sorted keys, final newline). */
export async function writeNotebook(path: string, nb: Notebook): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(sortKeys(nb), null, 1) + "\n");
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object") {
    return Object.fromEntries(
      Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}

/** A code cell's source as one string. */
export function cellSource(cell: Cell): string {
  return joinLines(cell.source);
}

/**
 * Converts a kernel's MIME bundle to the stored form: text types become lists of lines (as
 * Jupyter writes them), JSON types stay objects, base64 images stay one string.
 */
export function storedBundle(data: Record<string, unknown>): MimeBundle {
  const out: MimeBundle = {};
  for (const [mime, v] of Object.entries(data)) {
    if (typeof v === "string") {
      out[mime] = mime.startsWith("text/") || mime === "image/svg+xml" ? splitLines(v) : v;
    } else if (v !== undefined && v !== null) out[mime] = v as object;
  }
  return out;
}
