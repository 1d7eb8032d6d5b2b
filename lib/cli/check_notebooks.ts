/**
 * Type-checks notebooks: `deno check` does not read `.ipynb`, so each notebook's code cells are
 * joined, in order, into a temporary `.ts` beside it (relative imports resolve as in the
 * kernel, whose working directory is the notebook's folder), checked in one `deno check` run,
 * and every error location is mapped back to notebook, cell and line.
 *
 * `deno run -A lib/cli/check_notebooks.ts [--notebooks DIR] [FILE.ipynb ...]` (part of
 * `deno task check`).
 *
 * @module
 */
import { readdir, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { fail } from "../errors.ts";
import { cellSource, type Notebook, readNotebook } from "../jupyter/nbformat.ts";
import { WORKSPACE_ROOT } from "../paths.ts";
import { userErrorExitCode } from "./exit.ts";

/** Code cells joined into one module, and where each of its lines came from. */
export interface JoinedCells {
  source: string;
  /** `origin[i]` is the notebook position of line i+1 (cell 1-based among all cells, line 1-based). */
  origin: { cellNumber: number; line: number }[];
}

/**
 * Joins a notebook's code cells into one TypeScript module. Each cell starts with a `;`
 * separator line, so a cell ending in an expression cannot run into the next one; a final
 * `export {}` makes it a module (top-level await).
 */
export function joinCodeCells(nb: Notebook): JoinedCells {
  const lines: string[] = [];
  const origin: JoinedCells["origin"] = [];
  nb.cells.forEach((cell, i) => {
    if (cell.cell_type !== "code") return;
    lines.push(`; // cell ${i + 1}`);
    origin.push({ cellNumber: i + 1, line: 0 });
    cellSource(cell).split("\n").forEach((text, j) => {
      lines.push(text);
      origin.push({ cellNumber: i + 1, line: j + 1 });
    });
  });
  lines.push("export {};");
  origin.push({ cellNumber: 0, line: 0 });
  return { source: lines.join("\n") + "\n", origin };
}

/**
 * Rewrites locations `file:///...tmp.ts:LINE:COL` in `deno check` output to
 * `NOTEBOOK cell N, line L:COL`.
 */
export function mapLocations(
  output: string,
  tempFile: string,
  joined: JoinedCells,
  notebookName: string,
): string {
  // Deno names the file by URL in locations and by path relative to its cwd in "Check" lines.
  const names = [pathToFileURL(tempFile).href, relative(WORKSPACE_ROOT, tempFile)];
  const escaped = names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|");
  return output.replace(new RegExp(`(?:${escaped})(?::(\\d+):(\\d+))?`, "g"), (_m, line, col) => {
    if (line === undefined) return notebookName;
    const o = joined.origin[Number(line) - 1];
    return o && o.cellNumber > 0
      ? `${notebookName} cell ${o.cellNumber}, line ${o.line}:${col}`
      : `${notebookName} (joined line ${line}:${col})`;
  });
}

/** Options for {@linkcode checkNotebooks}. */
export interface CheckNotebooksOptions {
  /** The `deno` executable. Default: `Deno.execPath()`. */
  denoPath?: string;
}

/** Result of {@linkcode checkNotebooks}. */
export interface CheckResult {
  ok: boolean;
  /** `deno check` output with locations mapped to notebooks. */
  output: string;
}

/** Type-checks the given notebooks in one `deno check` run. */
export async function checkNotebooks(
  paths: string[],
  opts: CheckNotebooksOptions = {},
): Promise<CheckResult> {
  const temps: { file: string; joined: JoinedCells; name: string }[] = [];
  try {
    for (const path of paths) {
      const joined = joinCodeCells(await readNotebook(path));
      // "*.tmp-*" is git-ignored, so a file left by a killed run never gets committed.
      const file = join(dirname(path), `${basename(path, ".ipynb")}.tmp-check-${Deno.pid}.ts`);
      await writeFile(file, joined.source);
      temps.push({ file, joined, name: relative(WORKSPACE_ROOT, path) || path });
    }
    const out = await new Deno.Command(opts.denoPath ?? Deno.execPath(), {
      args: ["check", ...temps.map((t) => t.file)],
      cwd: WORKSPACE_ROOT,
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    let output = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
    for (const t of temps) output = mapLocations(output, t.file, t.joined, t.name);
    return { ok: out.success, output };
  } finally {
    await Promise.all(temps.map((t) => rm(t.file, { force: true })));
  }
}

async function main(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: { notebooks: { type: "string" }, help: { type: "boolean", short: "h" } },
  });
  if (values.help) {
    console.log("usage: deno run -A lib/cli/check_notebooks.ts [--notebooks DIR] [FILE.ipynb ...]");
    return 0;
  }
  let paths = positionals.map((p) => resolve(p));
  if (paths.length === 0) {
    const dir = resolve(values.notebooks ?? join(WORKSPACE_ROOT, "notebooks"));
    let names: string[];
    try {
      names = await readdir(dir);
    } catch (err) {
      fail(`cannot list notebooks in ${dir}: ${(err as Error).message}`);
    }
    paths = names.filter((n) => n.endsWith(".ipynb")).sort().map((n) => join(dir, n));
  }
  if (paths.length === 0) {
    console.log("check_notebooks: no notebooks to check");
    return 0;
  }
  const result = await checkNotebooks(paths);
  const text = result.output.trim();
  if (!result.ok) {
    console.error(text);
    console.error(`check_notebooks: type errors in the notebooks above`);
    return 1;
  }
  console.log(`check_notebooks: ${paths.length} notebook(s) type-check`);
  return 0;
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (err) {
    Deno.exit(userErrorExitCode(err, "deno run -A lib/cli/check_notebooks.ts --help"));
  }
}
