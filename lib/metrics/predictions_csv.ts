/**
 * The predictions CSV every evaluation reads and writes: a header with at least `label`
 * (`NORMAL`/`PNEUMONIA` or 0/1) and `prob_pneumonia` (probability of PNEUMONIA, a decimal
 * number in [0, 1]); every row has as many fields as the header;
 * `path` and `patientId` are optional. Other columns are ignored.
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import { fail } from "../errors.ts";
import { writeFileAtomic } from "../util/atomic.ts";
import { csvRowWhere, formatCsv, parseCsv } from "../util/csv.ts";
import { CLASS_NAMES } from "./report.ts";

/** One prediction. */
export interface PredictionRow {
  /** Image path relative to the data root; "" when the CSV has no `path` column. */
  path: string;
  /** 0 = NORMAL, 1 = PNEUMONIA. */
  label: 0 | 1;
  /** Probability of PNEUMONIA. */
  prob: number;
  patientId?: string;
}

/** A plain decimal number (`0.25`, `1`, `.5`, `3e-7`): no hex, binary, `Infinity` or signs. */
const DECIMAL = /^(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

function parseLabel(text: string): 0 | 1 | undefined {
  const t = text.trim().toUpperCase();
  if (t === "0" || t === "NORMAL") return 0;
  if (t === "1" || t === "PNEUMONIA") return 1;
  return undefined;
}

/**
 * Parses predictions CSV text; `source` names the file in errors. Throws a CxrError naming the
 * row (1 = first data row; the file line is one more) and column for any bad value.
 */
export function parsePredictionsCsv(text: string, source: string): PredictionRow[] {
  const records = parseCsv(text);
  const blank = (r: string[]) => r.every((f) => f.trim() === "");
  if (records.every(blank)) {
    fail(
      `${source}: empty file; expected a header with columns label,prob_pneumonia and one row per image`,
    );
  }
  const header = records[0].map((h) => h.trim());
  const col = (name: string, required: boolean): number => {
    const i = header.indexOf(name);
    if (i < 0 && required) {
      fail(
        `${source}: header (line 1) has no column "${name}"; found: ${header.join(",")}. ` +
          `The CSV needs columns label and prob_pneumonia`,
      );
    }
    return i;
  };
  const [labelCol, probCol] = [col("label", true), col("prob_pneumonia", true)];
  const [pathCol, patientCol] = [col("path", false), col("patientId", false)];
  if (records.slice(1).every(blank)) fail(`${source}: header only, no data rows (row 1 missing)`);
  // Blank lines are skipped but still counted, so row and line numbers match the file.
  return records.slice(1).flatMap((rec, k) => {
    if (blank(rec)) return [];
    if (rec.length !== header.length) {
      fail(
        `${csvRowWhere(source, k)}: ${rec.length} fields, the header has ${header.length}; ` +
          `fix the row (a comma inside a value needs quotes)`,
      );
    }
    const where = `${csvRowWhere(source, k)}, column`;
    const rawLabel = rec[labelCol] ?? "";
    const label = parseLabel(rawLabel);
    if (label === undefined) {
      fail(`${where} "label": unknown label "${rawLabel}"; use NORMAL/PNEUMONIA or 0/1`);
    }
    const rawProb = (rec[probCol] ?? "").trim();
    const prob = DECIMAL.test(rawProb) ? Number(rawProb) : NaN;
    if (!(prob >= 0 && prob <= 1)) {
      fail(
        `${where} "prob_pneumonia": "${rawProb}" is not a probability in [0, 1] ` +
          `(a decimal number such as 0.73)`,
      );
    }
    const row: PredictionRow = { path: pathCol >= 0 ? rec[pathCol] ?? "" : "", label, prob };
    if (patientCol >= 0) row.patientId = rec[patientCol] ?? "";
    return [row];
  });
}

/** Reads and parses a predictions CSV file (CxrError if missing or malformed). */
export async function readPredictionsCsv(path: string): Promise<PredictionRow[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    fail(
      `cannot read predictions file ${path}: ${
        (err as Error).message
      }; check the --predictions path`,
      {
        cause: err,
      },
    );
  }
  return parsePredictionsCsv(text, path);
}

/** Writes `path,label,prob_pneumonia[,patientId]` (labels as class names), atomically. */
export async function writePredictionsCsv(path: string, rows: PredictionRow[]): Promise<void> {
  const withPatient = rows.some((r) => r.patientId !== undefined);
  const columns = ["path", "label", "prob_pneumonia", ...(withPatient ? ["patientId"] : [])];
  const records = rows.map((r) => ({
    path: r.path,
    label: CLASS_NAMES[r.label],
    prob_pneumonia: r.prob,
    patientId: r.patientId,
  }));
  await writeFileAtomic(path, formatCsv(columns, records));
}
