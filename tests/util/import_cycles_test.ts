import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { importCycles, importGraph } from "../../lib/util/import_cycles.ts";

Deno.test("importCycles: each cycle once, sorted; chains and diamonds are not cycles", () => {
  const graph = new Map([
    ["a", ["b"]],
    ["b", ["c", "d"]],
    ["c", ["a"]], // a -> b -> c -> a
    ["d", ["e"]],
    ["e", []],
    ["f", ["d", "e"]], // a diamond onto d and e
    ["g", ["g"]], // imports itself
    ["h", ["i"]],
    ["i", ["h", "e"]],
  ]);
  assert.deepEqual(importCycles(graph), [["a", "b", "c"], ["g"], ["h", "i"]]);
  assert.deepEqual(importCycles(new Map([["x", ["y"]], ["y", []]])), []);
});

Deno.test("importCycles: a long chain does not overflow the stack", () => {
  const n = 20000;
  const graph = new Map(
    Array.from({ length: n }, (_, i) => [`m${i}`, i + 1 < n ? [`m${i + 1}`] : []]),
  );
  assert.deepEqual(importCycles(graph), []);
  graph.set(`m${n - 1}`, ["m0"]);
  assert.equal(importCycles(graph)[0].length, n);
});

Deno.test("importGraph: local modules from deno info, type-only imports included", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cxr-cycles-" });
  try {
    const file = (name: string) => join(dir, name);
    await writeFile(file("a.ts"), `import { b } from "./b.ts";\nexport const a = () => b;\n`);
    await writeFile(file("b.ts"), `import type { A } from "./c.ts";\nexport const b: A = 1;\n`);
    await writeFile(
      file("c.ts"),
      `import type { a } from "./a.ts";\nexport type A = 1;\n` +
        `export type F = typeof a;\n`,
    );
    await writeFile(file("d.ts"), `import { join } from "node:path";\nexport const d = join;\n`);
    const graph = await importGraph(["a.ts", "b.ts", "c.ts", "d.ts"].map(file));
    const url = (name: string) => pathToFileURL(file(name)).href;
    assert.deepEqual(graph.get(url("a.ts")), [url("b.ts")]);
    assert.deepEqual(graph.get(url("d.ts")), []); // node: built-ins are not ours
    assert.deepEqual(importCycles(graph), [[url("a.ts"), url("b.ts"), url("c.ts")]]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
