/**
 * Minimal RFC 4180 CSV: quoted fields, doubled quotes, commas and newlines inside quotes,
 * CRLF or LF line ends, a leading byte-order mark. Small enough to own, so manifest, split and
 * predictions files do not depend on a table library for IO.
 *
 * @module
 */
import { CxrError } from "../errors.ts";

/** Parses CSV text into rows of fields. A trailing newline does not add an empty row. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  let i = 0;
  if (text.charCodeAt(0) === 0xfeff) i = 1; // byte-order mark from spreadsheet exports
  for (; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ",") {
      row.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
    } else field += c;
  }
  if (field !== "" || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/**
 * Parses CSV text with a header row into records keyed by column name.
 * Throws a {@linkcode CxrError} naming `source` and the row when a required column is missing
 * or a row has the wrong number of fields.
 */
export function parseCsvRecords(
  text: string,
  source: string,
  required: readonly string[] = [],
): Record<string, string>[] {
  const [header, ...body] = parseCsv(text);
  if (!header) throw new CxrError(`${source}: empty CSV; expected a header row`);
  for (const name of required) {
    if (!header.includes(name)) {
      throw new CxrError(
        `${source}: missing column '${name}' (has: ${header.join(", ")}); expected ${
          required.join(",")
        }`,
      );
    }
  }
  // Blank lines are skipped but still counted, so row and line numbers match the file.
  return body.flatMap((r, k) => {
    if (r.length === 1 && r[0] === "") return [];
    if (r.length !== header.length) {
      throw new CxrError(
        `${csvRowWhere(source, k)}: ${r.length} fields, header has ${header.length}; ` +
          `fix or regenerate the file`,
      );
    }
    return [Object.fromEntries(header.map((h, j) => [h, r[j]]))];
  });
}

/**
 * Where data row `k` (0-based, the header not counted) of `source` is, for error messages:
 * `"f.csv: row 1 (line 2)"` (the line assumes no line breaks inside quoted fields).
 */
export function csvRowWhere(source: string, k: number): string {
  return `${source}: row ${k + 1} (line ${k + 2})`;
}

/** One CSV field, quoted only when it must be; `null`/`undefined` become an empty field. */
export function csvField(value: unknown): string {
  const s = value === null || value === undefined ? "" : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** Formats records as CSV with the given column order, a header row and a final newline. */
export function formatCsv(columns: readonly string[], records: readonly object[]): string {
  const lines = [columns.map(csvField).join(",")];
  for (const r of records) {
    lines.push(columns.map((c) => csvField((r as Record<string, unknown>)[c])).join(","));
  }
  return lines.join("\n") + "\n";
}
