/** Markdown tables for the report's sections. */

/** A Markdown table of string cells. */
export function markdownTable(header: readonly string[], rows: readonly string[][]): string {
  const line = (cells: readonly string[]) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** A Markdown table of objects keyed by column header (the first row's keys, in order). */
export function objectTable(rows: readonly Record<string, string>[]): string {
  const header = Object.keys(rows[0]);
  return markdownTable(header, rows.map((r) => header.map((h) => r[h])));
}
