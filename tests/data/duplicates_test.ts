import assert from "node:assert/strict";
import { duplicateGroups, writeDuplicates } from "../../lib/data/mod.ts";
import { row } from "./_fixtures.ts";

Deno.test("duplicateGroups groups equal hashes (2+ rows), sorted by path", () => {
  const rows = [
    row("c", "NORMAL", "p1", "h1"),
    row("a", "NORMAL", "p2", "h1"),
    row("b", "PNEUMONIA", "p3", "h2"),
    row("e", "PNEUMONIA", "p4", "h3"),
    row("d", "PNEUMONIA", "p5", "h3"),
    row("f", "PNEUMONIA", "p5", "h3"),
  ];
  assert.deepEqual(duplicateGroups(rows).map((g) => g.map((r) => r.path)), [["a", "c"], [
    "d",
    "e",
    "f",
  ]]);
  assert.deepEqual(duplicateGroups(rows.slice(2, 4)), []);
});

Deno.test("writeDuplicates lists each group's rows with a group number", async () => {
  const dir = await Deno.makeTempDir();
  const rows = [row("b", "NORMAL", "p1", "h1"), row("a", "NORMAL", "p2", "h1")];
  await writeDuplicates(`${dir}/d.csv`, duplicateGroups(rows));
  assert.equal(
    await Deno.readTextFile(`${dir}/d.csv`),
    "group,sha256,path,label,officialSplit,patientId\n1,h1,a,NORMAL,,p2\n1,h1,b,NORMAL,,p1\n",
  );
});
