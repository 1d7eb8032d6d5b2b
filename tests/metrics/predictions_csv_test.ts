import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CxrError } from "../../lib/errors.ts";
import {
  parsePredictionsCsv,
  readPredictionsCsv,
  writePredictionsCsv,
} from "../../lib/metrics/mod.ts";

Deno.test("parsePredictionsCsv: names and 0/1 labels, extra columns, quotes", () => {
  const rows = parsePredictionsCsv(
    'path,label,prob_pneumonia,extra\n"a,1.jpeg",NORMAL,0.25,x\nb.jpeg,1,1,\r\nc.jpeg,pneumonia,0,y\n',
    "f.csv",
  );
  assert.deepEqual(rows, [
    { path: "a,1.jpeg", label: 0, prob: 0.25 },
    { path: "b.jpeg", label: 1, prob: 1 },
    { path: "c.jpeg", label: 1, prob: 0 },
  ]);
});

Deno.test("parsePredictionsCsv: one-line errors naming row and column", () => {
  const err = (text: string, re: RegExp) =>
    assert.throws(() => parsePredictionsCsv(text, "f.csv"), (e: unknown) => {
      assert.ok(e instanceof CxrError);
      assert.match(e.message, re);
      assert.ok(!e.message.includes("\n"));
      return true;
    });
  err("", /f\.csv: empty file/);
  err("label,prob\nNORMAL,0.1\n", /no column "prob_pneumonia"/);
  err("prob_pneumonia\n0.1\n", /no column "label"/);
  err("label,prob_pneumonia\n", /no data rows/);
  err(
    "label,prob_pneumonia\nNORMAL,0.1\nNORMAL,1.5\n",
    /row 2 \(line 3\), column "prob_pneumonia": "1\.5"/,
  );
  err("label,prob_pneumonia\nNORMAL,abc\n", /row 1 .*"prob_pneumonia": "abc"/);
  err("label,prob_pneumonia\nNORMAL,\n", /row 1 .*"prob_pneumonia"/);
  err(
    "label,prob_pneumonia\nNORMAL,0.1\nCOVID,0.2\n",
    /row 2 \(line 3\), column "label": unknown label "COVID"/,
  );
});

Deno.test("writePredictionsCsv/readPredictionsCsv: round trip", async () => {
  const dir = await mkdtemp(join(tmpdir(), "cxr-pred-"));
  try {
    const path = join(dir, "p.csv");
    const rows = [
      { path: "test/NORMAL/a.jpeg", label: 0 as const, prob: 0.125, patientId: "IM-1" },
      { path: 'x,"y".jpeg', label: 1 as const, prob: 0.875, patientId: "person1_virus" },
    ];
    await writePredictionsCsv(path, rows);
    assert.match(
      await readFile(path, "utf8"),
      /^path,label,prob_pneumonia,patientId\ntest\/NORMAL\/a\.jpeg,NORMAL,0\.125,IM-1\n/,
    );
    assert.deepEqual(await readPredictionsCsv(path), rows);
    await assert.rejects(readPredictionsCsv(join(dir, "missing.csv")), CxrError);
  } finally {
    await rm(dir, { recursive: true });
  }
});

Deno.test("parsePredictionsCsv: decimal probabilities only; a row's field count must match the header", () => {
  const rows = parsePredictionsCsv(
    "label,prob_pneumonia\nNORMAL,.5\nNORMAL,3e-7\nPNEUMONIA,1.0\nNORMAL,0\n",
    "f.csv",
  );
  assert.deepEqual(rows.map((r) => r.prob), [0.5, 3e-7, 1, 0]);
  for (const bad of ["0x1", "0b1", "0o1", "Infinity", "+0.5", "1_0", "0.5.1", "1e"]) {
    assert.throws(
      () => parsePredictionsCsv(`label,prob_pneumonia\nNORMAL,${bad}\n`, "f.csv"),
      (e: unknown) =>
        e instanceof CxrError &&
        e.message ===
          `f.csv: row 1 (line 2), column "prob_pneumonia": "${bad}" is not a probability in ` +
            `[0, 1] (a decimal number such as 0.73)`,
      bad,
    );
  }
  assert.throws(
    () => parsePredictionsCsv("label,prob_pneumonia\nNORMAL,0.1\nNORMAL,0.2,extra\n", "f.csv"),
    (e: unknown) =>
      e instanceof CxrError &&
      e.message ===
        "f.csv: row 2 (line 3): 3 fields, the header has 2; fix the row (a comma inside a value " +
          "needs quotes)",
  );
  assert.throws(
    () => parsePredictionsCsv("path,label,prob_pneumonia\na.png,NORMAL\n", "f.csv"),
    /row 1 \(line 2\): 2 fields, the header has 3/,
  );
});
