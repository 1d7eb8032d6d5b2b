/**
 * `deno task cxr manifest [--data DIR] [--out FILE]`: scan a dataset and write its manifest CSV
 * (and `skipped.csv` beside it).
 *
 * @module
 */
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import {
  duplicateGroups,
  scanDataset,
  type ScanResult,
  writeDuplicates,
  writeManifest,
  writeSkipped,
} from "../data/mod.ts";
import { dataRoot, outputsDir } from "../paths.ts";

const HELP = `usage: deno task cxr manifest [--data DIR] [--out FILE]

Scans a dataset (Kaggle layout <root>/{train,val,test}/{NORMAL,PNEUMONIA}/* or flat
<root>/{NORMAL,PNEUMONIA}/*) and writes one CSV row per image: path, label, officialSplit,
patientId, width, height, sha256. Unreadable files go to skipped.csv beside it, exact
duplicates (same content hash) to duplicates.csv.

  --data DIR   dataset root (default: $CXR_DATA_DIR, else data/chest_xray)
  --out FILE   manifest CSV (default: outputs/manifest.csv)
`;

/** One-paragraph report of a scan, shared by the data commands. */
export function describeScan(scan: ScanResult): string {
  const by = new Map<string, number>();
  for (const r of scan.rows) {
    const k = `${r.officialSplit ?? "all"}/${r.label}`;
    by.set(k, (by.get(k) ?? 0) + 1);
  }
  const groups = duplicateGroups(scan.rows);
  const counts = [...by].map(([k, n]) => `${k} ${n}`).join(", ");
  return [
    `${scan.rows.length} images in ${scan.root} (${scan.layout} layout): ${counts}`,
    `${new Set(scan.rows.map((r) => r.patientId)).size} patients; ` +
    `${scan.unrecognisedPatientIds} file names with no known patient pattern (key = file name)`,
    `${groups.length} exact-duplicate groups (${
      groups.reduce((a, g) => a + g.length, 0)
    } images); ` +
    `${scan.skipped.length} inputs skipped`,
  ].join("\n");
}

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { data: { type: "string" }, out: { type: "string" }, help: { type: "boolean" } },
    strict: true,
  });
  if (values.help) return void console.log(HELP);
  const scan = await scanDataset(dataRoot(values.data));
  const out = values.out ?? join(outputsDir(), "manifest.csv");
  await writeManifest(out, scan.rows);
  await writeSkipped(join(dirname(out), "skipped.csv"), scan.skipped);
  await writeDuplicates(join(dirname(out), "duplicates.csv"), duplicateGroups(scan.rows));
  console.log(describeScan(scan));
  console.log(`wrote ${out}, and skipped.csv and duplicates.csv beside it`);
}
