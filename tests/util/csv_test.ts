import assert from "node:assert/strict";
import { csvField, formatCsv, parseCsv, parseCsvRecords } from "../../lib/util/csv.ts";
import { CxrError } from "../../lib/errors.ts";

Deno.test("parseCsv handles quotes, doubled quotes, newlines in fields, CRLF and a BOM", () => {
  const text = '\ufeffa,b\r\n"x,1","say ""hi"""\n"two\nlines",\n';
  assert.deepEqual(parseCsv(text), [["a", "b"], ["x,1", 'say "hi"'], ["two\nlines", ""]]);
});

Deno.test("formatCsv quotes only where needed and round-trips through parseCsv", () => {
  const records = [{ p: "a,b", q: 'q"x', r: 3 }, { p: "plain", q: "", r: null }];
  const text = formatCsv(["p", "q", "r"], records);
  assert.equal(text, 'p,q,r\n"a,b","q""x",3\nplain,,\n');
  assert.deepEqual(parseCsvRecords(text, "t.csv"), [
    { p: "a,b", q: 'q"x', r: "3" },
    { p: "plain", q: "", r: "" },
  ]);
});

Deno.test("parseCsvRecords names the file, row and column on bad input", () => {
  assert.throws(
    () => parseCsvRecords("a,b\n1\n", "f.csv"),
    (e) => e instanceof CxrError && /^f\.csv: row 1 \(line 2\): 1 fields/.test(e.message),
  );
  // A blank line is skipped but counted: the bad row is the third, on line 4.
  assert.throws(() => parseCsvRecords("a,b\n1,2\n\n3\n", "f.csv"), /f\.csv: row 3 \(line 4\)/);
  assert.throws(() => parseCsvRecords("a\n1\n", "f.csv", ["a", "b"]), /missing column 'b'/);
  assert.throws(() => parseCsvRecords("", "f.csv"), /empty CSV/);
});

Deno.test("csvField quotes commas, quotes and line breaks; numbers and missing values pass", () => {
  assert.equal(csvField(0.25), "0.25");
  assert.equal(csvField(undefined), "");
  assert.equal(csvField("a,b"), '"a,b"');
  assert.equal(csvField('say "x"'), '"say ""x"""');
  assert.equal(csvField("l1\r\nl2"), '"l1\r\nl2"');
  assert.deepEqual(parseCsv(csvField("l1\r\nl2") + "\r\n"), [["l1\r\nl2"]]);
});
