/**
 * Exact duplicates: images whose file bytes hash the same. Splits keep each group on one side,
 * or a copy of a test image would sit in train.
 *
 * @module
 */
import { writeFileAtomic } from "../util/atomic.ts";
import { formatCsv } from "../util/csv.ts";
import type { ManifestRow } from "./types.ts";

/** Groups of two or more rows with the same sha256, each sorted by path, ordered by first path. */
export function duplicateGroups(rows: readonly ManifestRow[]): ManifestRow[][] {
  const byHash = new Map<string, ManifestRow[]>();
  for (const r of rows) {
    const g = byHash.get(r.sha256);
    if (g) g.push(r);
    else byHash.set(r.sha256, [r]);
  }
  const cmp = (a: ManifestRow, b: ManifestRow) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  return [...byHash.values()]
    .filter((g) => g.length > 1)
    .map((g) => g.sort(cmp))
    .sort((a, b) => cmp(a[0], b[0]));
}

/** Writes `duplicates.csv` (group, sha256, path, label, officialSplit, patientId), atomically. */
export function writeDuplicates(path: string, groups: readonly ManifestRow[][]): Promise<void> {
  const records = groups.flatMap((g, k) => g.map((r) => ({ group: k + 1, ...r })));
  return writeFileAtomic(
    path,
    formatCsv(["group", "sha256", "path", "label", "officialSplit", "patientId"], records),
  );
}
