import assert from "node:assert/strict";
import { join } from "node:path";
import { checkNotebooks, joinCodeCells, mapLocations } from "../../lib/cli/check_notebooks.ts";
import { codeCell, markdownCell, newNotebook, writeNotebook } from "../../lib/jupyter/nbformat.ts";

const nb = newNotebook([
  markdownCell("# T"),
  codeCell("const a: number = 1;\na"),
  markdownCell("text"),
  codeCell("const b: number = a + 1;\nconst c: string = b;\nawait Promise.resolve(c);"),
]);

Deno.test("joinCodeCells keeps the cells' order and records each line's cell and line", () => {
  const j = joinCodeCells(nb);
  assert.equal(
    j.source,
    "; // cell 2\nconst a: number = 1;\na\n; // cell 4\nconst b: number = a + 1;\nconst c: string = b;\nawait Promise.resolve(c);\nexport {};\n",
  );
  assert.deepEqual(j.origin.map((o) => `${o.cellNumber}:${o.line}`), [
    "2:0",
    "2:1",
    "2:2",
    "4:0",
    "4:1",
    "4:2",
    "4:3",
    "0:0",
  ]);
  assert.equal(
    mapLocations(
      "at file:///x/t.tmp.ts:6:9 and file:///x/t.tmp.ts",
      "/x/t.tmp.ts",
      j,
      "nb/t.ipynb",
    ),
    "at nb/t.ipynb cell 4, line 2:9 and nb/t.ipynb",
  );
});

Deno.test("checkNotebooks reports a type error at its notebook cell and line", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cxr-check-" });
  try {
    const bad = join(dir, "bad.ipynb");
    const good = join(dir, "good.ipynb");
    await writeNotebook(bad, nb);
    await writeNotebook(
      good,
      newNotebook([codeCell("const x = 1;"), codeCell("console.log(x + 1);")]),
    );
    const r = await checkNotebooks([good, bad]);
    assert.equal(r.ok, false);
    assert.match(r.output, /TS2322[\s\S]*bad\.ipynb cell 4, line 2:7/);
    assert.ok(!r.output.includes("good.ipynb cell"), r.output);
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name).sort(), [
      "bad.ipynb",
      "good.ipynb",
    ]);
    assert.equal((await checkNotebooks([good])).ok, true);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
