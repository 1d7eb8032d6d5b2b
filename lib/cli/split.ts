/**
 * `deno task cxr split --strategy paper|patient|official --seed N [--data DIR] [--out DIR]`:
 * write train/val/test CSVs and summary.json.
 *
 * @module
 */
import { join } from "node:path";
import { parseArgs } from "node:util";
import { CxrError } from "../errors.ts";
import {
  assertClassesPresent,
  assertSplitClasses,
  duplicateGroups,
  OFFICIAL_VALIDATIONS,
  type OfficialValidation,
  PATIENT_KEY_KINDS,
  type PatientKeyKind,
  readManifest,
  scanDataset,
  SPLIT_STRATEGIES,
  splitClassFix,
  splitDataset,
  type SplitStrategy,
  writeSplit,
} from "../data/mod.ts";
import { dataRoot, outputsDir } from "../paths.ts";

const HELP = `usage: deno task cxr split --strategy paper|patient|official [--seed N] [--data DIR]
                              [--manifest FILE] [--fractions 0.8,0.1,0.1] [--out DIR]
                              [--patient-key person-type|person] [--official-val carved|kaggle]

  --strategy S     paper: stratified by image (the paper's protocol); patient: stratified,
                   every patient and duplicate group on one side; official: Kaggle folders
  --seed N         shuffle seed (default 42)
  --data DIR       dataset root (default: $CXR_DATA_DIR, else data/chest_xray)
  --manifest FILE  use this manifest CSV instead of scanning --data
  --fractions F    train,val,test fractions (default 0.8,0.1,0.1)
  --patient-key K  what the patient split keeps together: person-type (default: personN with
                   bacteria/virus) | person (personN alone, the safer key per ATTRIBUTION.md)
  --official-val V validation of the official split: carved (default: a stratified,
                   patient-level share of train/ + val/, by --patient-key and --seed) |
                   kaggle (the 16 images of val/)
  --out DIR        output folder (default: outputs/splits/<strategy>-seed<N>)

Writes train.csv, val.csv, test.csv, summary.json and skipped.csv.
`;

function parseSeed(text: string): number {
  const seed = Number(text);
  if (!Number.isInteger(seed) || seed < 0) {
    throw new CxrError(`--seed '${text}' must be a non-negative integer`, { exitCode: 2 });
  }
  return seed;
}

function parseFractions(text: string): [number, number, number] {
  const f = text.split(",").map(Number);
  if (f.length !== 3 || f.some((x) => !Number.isFinite(x))) {
    throw new CxrError(`--fractions '${text}' must be three numbers like 0.8,0.1,0.1`, {
      exitCode: 2,
    });
  }
  return f as [number, number, number];
}

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      strategy: { type: "string" },
      seed: { type: "string", default: "42" },
      data: { type: "string" },
      manifest: { type: "string" },
      fractions: { type: "string", default: "0.8,0.1,0.1" },
      "patient-key": { type: "string", default: "person-type" },
      "official-val": { type: "string", default: "carved" },
      out: { type: "string" },
      help: { type: "boolean" },
    },
    strict: true,
  });
  if (values.help) return void console.log(HELP);
  const strategy = values.strategy as SplitStrategy;
  if (!SPLIT_STRATEGIES.includes(strategy)) {
    throw new CxrError(
      `--strategy '${values.strategy ?? ""}' must be one of ${SPLIT_STRATEGIES.join(", ")}`,
      { exitCode: 2 },
    );
  }
  const seed = parseSeed(values.seed);
  const fractions = parseFractions(values.fractions);
  const root = dataRoot(values.data);
  const scan = values.manifest
    ? { rows: await readManifest(values.manifest), skipped: [] }
    : await scanDataset(root);
  const patientKey = values["patient-key"] as PatientKeyKind;
  if (!PATIENT_KEY_KINDS.includes(patientKey)) {
    throw new CxrError(
      `--patient-key '${patientKey}' must be one of ${PATIENT_KEY_KINDS.join(", ")}`,
      { exitCode: 2 },
    );
  }
  const officialVal = values["official-val"] as OfficialValidation;
  if (!OFFICIAL_VALIDATIONS.includes(officialVal)) {
    throw new CxrError(
      `--official-val '${officialVal}' must be one of ${OFFICIAL_VALIDATIONS.join(", ")}`,
      { exitCode: 2 },
    );
  }
  assertClassesPresent(scan.rows, values.manifest ?? root, scan.skipped);
  const split = splitDataset(scan.rows, { strategy, seed, fractions, patientKey, officialVal });
  assertSplitClasses(
    split,
    `the ${strategy} split of ${values.manifest ?? root}`,
    splitClassFix(strategy),
  );
  const out = values.out ?? join(outputsDir(), "splits", `${strategy}-seed${seed}`);
  const summary = await writeSplit(out, split, {
    strategy,
    seed,
    ...(strategy === "official" ? { officialVal } : {}),
    ...(strategy !== "paper" ? { patientKey } : {}),
    targetFractions: fractions,
    dataRoot: values.manifest ? undefined : root,
    duplicateGroups: duplicateGroups(scan.rows).length,
    skipped: scan.skipped,
  });
  const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
  for (const s of ["train", "val", "test"] as const) {
    const c = summary.counts[s];
    console.log(
      `${s.padEnd(5)} ${String(c.total).padStart(5)} images (${pct(summary.fractions[s])}), ` +
        `NORMAL ${c.NORMAL}, PNEUMONIA ${c.PNEUMONIA} (${pct(summary.pneumoniaShare[s])}), ` +
        `${summary.patients[s]} patients`,
    );
  }
  const o = summary.patientOverlap;
  console.log(
    `patient overlap: train/val ${o.trainVal}, train/test ${o.trainTest}, val/test ${o.valTest}; ` +
      `duplicate overlap: ${Object.values(summary.duplicateOverlap).reduce((a, b) => a + b, 0)}`,
  );
  console.log(`wrote ${out}/{train,val,test}.csv, summary.json, skipped.csv`);
}
