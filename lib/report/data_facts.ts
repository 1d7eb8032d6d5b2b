/**
 * The data facts the report's caveats quote, counted from the manifest rather than typed in:
 * how many images keep their original resolution (the rest of the shared copy are third-party
 * 224x224 squashed copies), exact-duplicate groups, patients.
 *
 * @module
 */
import { duplicateGroups, type ManifestRow, patientGroup } from "../data/mod.ts";

/** Counts of one dataset. */
export interface DataFacts {
  images: number;
  /** Images not stored at exactly 224x224, i.e. not a squashed third-party copy. */
  originalResolution: number;
  /** Images stored at exactly 224x224 (squashed copies in the shared data). */
  squashed224: number;
  duplicateGroups: number;
  /** Images in duplicate groups beyond the first of each group. */
  duplicateExtras: number;
  patients: number;
  /** `personN` values that occur with both the bacteria and the virus type. */
  personsWithBothTypes: number;
  /** Images per Kaggle folder and class ("flat" when the layout has none). */
  perFolder: Record<string, { NORMAL: number; PNEUMONIA: number }>;
}

/** Counts {@linkcode DataFacts} from manifest rows. */
export function dataFacts(rows: readonly ManifestRow[]): DataFacts {
  const squashed = rows.filter((r) => r.width === 224 && r.height === 224).length;
  const groups = duplicateGroups(rows);
  const perFolder: DataFacts["perFolder"] = {};
  for (const r of rows) {
    const key = r.officialSplit ?? "flat";
    perFolder[key] ??= { NORMAL: 0, PNEUMONIA: 0 };
    perFolder[key][r.label]++;
  }
  return {
    images: rows.length,
    originalResolution: rows.length - squashed,
    squashed224: squashed,
    duplicateGroups: groups.length,
    duplicateExtras: groups.reduce((a, g) => a + g.length - 1, 0),
    patients: new Set(rows.map((r) => r.patientId)).size,
    personsWithBothTypes: personsWithBothTypes(rows),
    perFolder,
  };
}

/** `personN` groups that hold more than one patient key (i.e. both types). */
function personsWithBothTypes(rows: readonly ManifestRow[]): number {
  const keys = new Map<string, number>();
  for (const id of new Set(rows.map((r) => r.patientId))) {
    const person = patientGroup(id, "person");
    keys.set(person, (keys.get(person) ?? 0) + 1);
  }
  return [...keys.values()].filter((n) => n > 1).length;
}
