/**
 * A sweep: the grid models x splits x seeds (x patient keys) as independent run folders under
 * one sweep folder, recorded in `<sweepDir>/sweep.json`.
 *
 * ```
 * <sweepDir>/sweep.json                       profile, grid, extra config, the cell list
 * <sweepDir>/<splitLabel>/<model>-seed<N>/    one run folder per cell (cxr train + evaluate)
 * <sweepDir>/logs/<cell name>.log             what each cell's commands printed
 * ```
 * The split label is the split's name, or `patient-person` for the patient split keyed on
 * `personN` alone (`--patient-key person`), so the two patient keys never share a folder.
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { ModelName, PatientKeyKind, SplitStrategy } from "../config.ts";
import { fail } from "../errors.ts";
import { writeJsonAtomic } from "../util/atomic.ts";

/** One run of the grid. `patientKey` only matters for the patient split. */
export interface SweepCell {
  model: ModelName;
  split: SplitStrategy;
  seed: number;
  patientKey: PatientKeyKind;
}

/** The axes of a grid; every combination is a cell. */
export interface SweepGrid {
  models: ModelName[];
  splits: SplitStrategy[];
  seeds: number[];
  /** Patient keys, crossed with the patient split only. Default ["person-type"]. */
  patientKeys?: PatientKeyKind[];
}

/** What `<sweepDir>/sweep.json` holds. */
export interface SweepFile {
  format: 1;
  /** Profile every cell trains with. */
  profile: string;
  /** The union of the grid's axes (the cells may be a subset of their product). */
  models: ModelName[];
  splits: SplitStrategy[];
  seeds: number[];
  patientKeys: PatientKeyKind[];
  /** Config fields from `--config FILE` applied to every cell, or null. */
  config: Record<string, unknown> | null;
  /** Extra `cxr train` flags given to every cell. */
  trainFlags: string[];
  cells: SweepCell[];
}

/** The default patient key (lib/config.ts's default). */
export const DEFAULT_PATIENT_KEY: PatientKeyKind = "person-type";

/** The folder name of a cell's split: the split, or `patient-person` for the person key. */
export function splitLabel(cell: Pick<SweepCell, "split" | "patientKey">): string {
  return cell.split === "patient" && cell.patientKey !== DEFAULT_PATIENT_KEY
    ? `patient-${cell.patientKey}`
    : cell.split;
}

/** A cell's run folder relative to the sweep folder: `<splitLabel>/<model>-seed<N>`. */
export function cellPath(cell: SweepCell): string {
  return join(splitLabel(cell), `${cell.model}-seed${cell.seed}`);
}

/** A cell's one-word name (file names, tables, Slurm logs): `<splitLabel>__<model>-seed<N>`. */
export function cellName(cell: SweepCell): string {
  return `${splitLabel(cell)}__${cell.model}-seed${cell.seed}`;
}

/** Every cell of `grid`, in order models > splits > patient keys > seeds. */
export function expandGrid(grid: SweepGrid): SweepCell[] {
  const keys = grid.patientKeys?.length ? grid.patientKeys : [DEFAULT_PATIENT_KEY];
  const cells: SweepCell[] = [];
  for (const model of grid.models) {
    for (const split of grid.splits) {
      // The patient key changes nothing outside the patient split: one cell per seed there.
      for (const patientKey of split === "patient" ? keys : [DEFAULT_PATIENT_KEY]) {
        for (const seed of grid.seeds) cells.push({ model, split, seed, patientKey });
      }
    }
  }
  return uniqueCells(cells);
}

/** `cells` without repeats (same folder), first occurrence kept. */
export function uniqueCells(cells: SweepCell[]): SweepCell[] {
  const seen = new Set<string>();
  return cells.filter((c) => {
    const name = cellName(c);
    if (seen.has(name)) return false;
    seen.add(name);
    return true;
  });
}

/** A sweep file for `cells` (axes are the union over the cells). */
export function sweepFile(
  profile: string,
  cells: SweepCell[],
  extra: { config?: Record<string, unknown> | null; trainFlags?: string[] } = {},
): SweepFile {
  const union = <T>(pick: (c: SweepCell) => T) => [...new Set(cells.map(pick))];
  return {
    format: 1,
    profile,
    models: union((c) => c.model),
    splits: union((c) => c.split),
    seeds: union((c) => c.seed),
    patientKeys: union((c) => c.patientKey),
    config: extra.config ?? null,
    trainFlags: extra.trainFlags ?? [],
    cells,
  };
}

/** `<sweepDir>/sweep.json`. */
export function sweepJsonPath(sweepDir: string): string {
  return join(sweepDir, "sweep.json");
}

/** Reads `<sweepDir>/sweep.json`, or null when there is none. */
export async function readSweep(sweepDir: string): Promise<SweepFile | null> {
  const path = sweepJsonPath(sweepDir);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return null;
  }
  try {
    const value = JSON.parse(text) as SweepFile;
    if (value.format !== 1 || !Array.isArray(value.cells)) throw new Error("not a sweep file");
    return value;
  } catch (err) {
    fail(`${path} is not a sweep file (${(err as Error).message}); move it away to start over`);
  }
}

/**
 * Records `next` in `<sweepDir>/sweep.json`, merged with the sweep already there: the same
 * profile, config and train flags are required (a folder is one experiment); cells are the
 * union, the old ones first. Returns what was written.
 */
export async function recordSweep(sweepDir: string, next: SweepFile): Promise<SweepFile> {
  const old = await readSweep(sweepDir);
  let merged = next;
  if (old) {
    const same = (what: string, a: unknown, b: unknown) => {
      if (JSON.stringify(a) !== JSON.stringify(b)) {
        fail(
          `${sweepJsonPath(sweepDir)} records ${what} ${JSON.stringify(a)}, not ` +
            `${JSON.stringify(b)}; use another --out folder for a different experiment`,
          { exitCode: 2 },
        );
      }
    };
    same("profile", old.profile, next.profile);
    same("config", old.config, next.config);
    same("train flags", old.trainFlags, next.trainFlags);
    merged = sweepFile(next.profile, uniqueCells([...old.cells, ...next.cells]), next);
    // Keep the file byte-identical when nothing changed (it may be committed).
    if (JSON.stringify(merged) === JSON.stringify(old)) return old;
  }
  await writeJsonAtomic(sweepJsonPath(sweepDir), merged);
  return merged;
}
