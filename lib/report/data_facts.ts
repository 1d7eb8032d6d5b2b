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

function personsWithBothTypes(rows: readonly ManifestRow[]): number {
  const types = new Map<string, Set<string>>();
  for (const r of new Set(rows.map((r) => r.patientId))) {
    const person = patientGroup(r, "person");
    if (person === r) continue; // not a personN_type id
    types.set(person, (types.get(person) ?? new Set()).add(r.toLowerCase()));
  }
  return [...types.values()].filter((t) => t.size > 1).length;
}
