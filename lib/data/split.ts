/**
 * Train/val/test splits: `paper` (stratified by image, the paper's protocol), `patient`
 * (stratified, every patient wholly on one side) and `official` (the Kaggle folders). Exact
 * duplicates always stay together. Deterministic for a seed.
 *
 * @module
 */
import { CxrError } from "../errors.ts";
import { Rng } from "../util/rng.ts";
import { patientGroup, type PatientKeyKind } from "./patient_id.ts";
import { LABELS, type ManifestRow, OFFICIAL_SPLITS, type OfficialSplit } from "./types.ts";

/** How to split: image-level 80/10/10, patient-level, or the Kaggle folders (module doc). */
export const SPLIT_STRATEGIES = ["paper", "patient", "official"] as const;
/** One of {@linkcode SPLIT_STRATEGIES}. */
export type SplitStrategy = typeof SPLIT_STRATEGIES[number];

/**
 * Where the `official` split validates: `carved` from the Kaggle `train/` folder (a stratified,
 * patient-level share `fractions[1]`, seeded, with the 16 images of `val/` merged into the pool
 * first, so that no image is wasted and none is used twice), or the Kaggle `val/` folder as it
 * is (`kaggle`: 16 images, too few to select a checkpoint on). The `test/` folder is the test
 * set either way.
 */
export const OFFICIAL_VALIDATIONS = ["carved", "kaggle"] as const;
/** One of {@linkcode OFFICIAL_VALIDATIONS}. */
export type OfficialValidation = typeof OFFICIAL_VALIDATIONS[number];

/** Rows per split. */
export interface Split {
  train: ManifestRow[];
  val: ManifestRow[];
  test: ManifestRow[];
}

/** Options for {@linkcode splitDataset}. */
export interface SplitOptions {
  strategy: SplitStrategy;
  /** Seed of the shuffle (ignored by `official`). */
  seed: number;
  /** Train/val/test fractions, summing to 1. Default: [0.8, 0.1, 0.1] (the paper's). */
  fractions?: [number, number, number];
  /**
   * What `patient` keeps on one side: `personN` with its bacteria/virus type, or `personN`
   * alone (see {@linkcode patientGroup}). Default "person-type".
   */
  patientKey?: PatientKeyKind;
  /** Validation of `official` (see {@linkcode OFFICIAL_VALIDATIONS}). Default "carved". */
  officialVal?: OfficialValidation;
}

/** Union-find over row indices. */
function groupsOf(rows: readonly ManifestRow[], byPatient: PatientKeyKind | null): number[][] {
  const parent = rows.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  const first = new Map<string, number>();
  const join = (key: string, i: number) => {
    const j = first.get(key);
    if (j === undefined) first.set(key, i);
    else parent[find(i)] = find(j);
  };
  rows.forEach((r, i) => {
    join(`h:${r.sha256}`, i);
    if (byPatient) join(`p:${patientGroup(r.patientId, byPatient)}`, i);
  });
  const groups = new Map<number, number[]>();
  rows.forEach((_, i) => {
    const root = find(i);
    const g = groups.get(root);
    if (g) g.push(i);
    else groups.set(root, [i]);
  });
  return [...groups.values()];
}

function checkFractions(f: readonly number[]): void {
  const sum = f.reduce((a, b) => a + b, 0);
  if (f.length !== 3 || f.some((x) => !(x >= 0)) || Math.abs(sum - 1) > 1e-6 || f[0] === 0) {
    throw new CxrError(
      `split fractions [${f.join(", ")}] must be three non-negative numbers summing to 1 with ` +
        `train > 0, e.g. [0.8, 0.1, 0.1]`,
    );
  }
}

/**
 * Splits rows into train/val/test.
 *
 * `paper` and `patient` shuffle groups (duplicate groups; for `patient` also everything linked
 * by a patient id) with the seed, then give each group to the split whose share of its stratum
 * (the group's label set) is furthest below target, so each class lands close to the fractions.
 * Each split's rows are sorted by path.
 *
 * @example
 * ```ts
 * import { scanDataset } from "./manifest.ts";
 * import { dataRoot } from "../paths.ts";
 * const { rows } = await scanDataset(dataRoot(), { progress: false });
 * const { train, val, test } = splitDataset(rows, { strategy: "patient", seed: 7 });
 * console.log(train.length, val.length, test.length);
 * ```
 */
export function splitDataset(rows: readonly ManifestRow[], opts: SplitOptions): Split {
  const sorted = [...rows].sort(byPath);
  if (opts.strategy === "official") return officialSplit(sorted, opts);
  if (!SPLIT_STRATEGIES.includes(opts.strategy)) {
    throw new CxrError(`unknown split strategy '${opts.strategy}'; use paper, patient or official`);
  }
  const fractions = opts.fractions ?? [0.8, 0.1, 0.1];
  checkFractions(fractions);
  const byPatient = opts.strategy === "patient" ? opts.patientKey ?? "person-type" : null;
  const [train, val, test] = assignGroups(sorted, byPatient, opts.seed, fractions);
  return { train, val, test };
}

/**
 * Shuffles the groups of `sorted` (duplicates, and patients when `byPatient` is set) with the
 * seed and gives each to the part whose share of its stratum is furthest below `fractions`.
 * Returns the parts' rows, each sorted by path.
 */
function assignGroups(
  sorted: readonly ManifestRow[],
  byPatient: PatientKeyKind | null,
  seed: number,
  fractions: readonly number[],
): ManifestRow[][] {
  const groups = new Rng(seed).shuffle(groupsOf(sorted, byPatient));

  const stratumOf = (g: number[]) => [...new Set(g.map((i) => sorted[i].label))].sort().join("+");
  const totals = new Map<string, number>();
  for (const g of groups) totals.set(stratumOf(g), (totals.get(stratumOf(g)) ?? 0) + g.length);
  const filled = new Map<string, number[]>([...totals.keys()].map((s) => [s, [0, 0, 0]]));

  const out: ManifestRow[][] = [[], [], []];
  for (const g of groups) {
    const s = stratumOf(g);
    const total = totals.get(s)!;
    const have = filled.get(s)!;
    let best = 0;
    let bestGap = -Infinity;
    for (let k = 0; k < 3; k++) {
      if (fractions[k] === 0) continue;
      const target = fractions[k] * total;
      const gap = (target - have[k]) / target; // share of the target still missing
      if (gap > bestGap) [best, bestGap] = [k, gap];
    }
    have[best] += g.length;
    for (const i of g) out[best].push(sorted[i]);
  }
  return out.map((part) => part.sort(byPath));
}

function byPath(a: ManifestRow, b: ManifestRow): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/**
 * The Kaggle folders; with `officialVal` "carved" (the default) the validation set is carved
 * from `train/` + `val/` by patient (`patientKey`) with the share `fractions[1]`.
 */
function officialSplit(rows: ManifestRow[], opts: SplitOptions): Split {
  const folders = officialFolders(rows);
  if ((opts.officialVal ?? "carved") === "kaggle") return folders;
  const fractions = opts.fractions ?? [0.8, 0.1, 0.1];
  checkFractions(fractions);
  const share = fractions[1];
  const pool = [...folders.train, ...folders.val].sort(byPath);
  const [train, val] = assignGroups(
    pool,
    opts.patientKey ?? "person-type",
    opts.seed,
    [1 - share, share, 0],
  );
  return { train, val, test: folders.test };
}

function officialFolders(rows: ManifestRow[]): Split {
  const out: Record<OfficialSplit, ManifestRow[]> = { train: [], val: [], test: [] };
  for (const r of rows) {
    if (r.officialSplit === null) {
      throw new CxrError(
        `the official split needs the Kaggle layout <root>/{train,val,test}/{NORMAL,PNEUMONIA}; ` +
          `${r.path} has no official split (flat layout): use --strategy patient or paper`,
      );
    }
    out[r.officialSplit].push(r);
  }
  return out;
}

/** Counts, patients and overlaps of a split; written as `summary.json`. */
export interface SplitSummary {
  total: number;
  /** Images per split and class. */
  counts: Record<OfficialSplit, Record<string, number>>;
  /** Share of all images per split. */
  fractions: Record<OfficialSplit, number>;
  /** Share of PNEUMONIA per split, and in the whole set. */
  pneumoniaShare: Record<OfficialSplit | "all", number>;
  /** Distinct patient ids per split. */
  patients: Record<OfficialSplit, number>;
  /** Patient ids found in both splits of each pair (0 for `patient` and `official`). */
  patientOverlap: { trainVal: number; trainTest: number; valTest: number };
  /** Image hashes found in both splits of each pair (always 0). */
  duplicateOverlap: { trainVal: number; trainTest: number; valTest: number };
}

/**
 * Summarises a split: counts per split and class, patients (grouped by `patientKey`, default
 * "person-type"), and cross-split overlaps.
 */
export function splitSummary(
  split: Split,
  patientKey: PatientKeyKind = "person-type",
): SplitSummary {
  const total = split.train.length + split.val.length + split.test.length;
  const counts = {} as SplitSummary["counts"];
  const fractions = {} as SplitSummary["fractions"];
  const share = {} as SplitSummary["pneumoniaShare"];
  const patients = {} as SplitSummary["patients"];
  const ids = {} as Record<OfficialSplit, Set<string>>;
  const hashes = {} as Record<OfficialSplit, Set<string>>;
  let pneumonia = 0;
  for (const s of OFFICIAL_SPLITS) {
    const rows = split[s];
    counts[s] = Object.fromEntries(
      LABELS.map((l) => [l, rows.filter((r) => r.label === l).length]),
    );
    counts[s].total = rows.length;
    fractions[s] = total ? rows.length / total : 0;
    share[s] = rows.length ? counts[s].PNEUMONIA / rows.length : 0;
    pneumonia += counts[s].PNEUMONIA;
    ids[s] = new Set(rows.map((r) => patientGroup(r.patientId, patientKey)));
    hashes[s] = new Set(rows.map((r) => r.sha256));
    patients[s] = ids[s].size;
  }
  share.all = total ? pneumonia / total : 0;
  const both = (a: Set<string>, b: Set<string>) => [...a].filter((x) => b.has(x)).length;
  const overlap = (m: Record<OfficialSplit, Set<string>>) => ({
    trainVal: both(m.train, m.val),
    trainTest: both(m.train, m.test),
    valTest: both(m.val, m.test),
  });
  return {
    total,
    counts,
    fractions,
    pneumoniaShare: share,
    patients,
    patientOverlap: overlap(ids),
    duplicateOverlap: overlap(hashes),
  };
}
