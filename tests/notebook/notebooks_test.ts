/** The committed notebooks: valid nbformat 4.5 for the Deno kernel, parameters first, thin cells. */
import assert from "node:assert/strict";
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { cellSource, readNotebook, validateNotebook } from "../../lib/jupyter/nbformat.ts";
import { WORKSPACE_ROOT } from "../../lib/paths.ts";

const DIR = join(WORKSPACE_ROOT, "notebooks");
const EXPECTED = [
  "01_data_exploration.ipynb",
  "02_augmentation_preview.ipynb",
  "03_training.ipynb",
  "04_evaluation.ipynb",
  "05_baseline_comparison.ipynb",
  "06_official_test_shift.ipynb",
];

Deno.test("notebooks: the six, valid, Deno kernel, parameters in the first code cell, thin", async () => {
  const names = (await readdir(DIR)).filter((n) => n.endsWith(".ipynb")).sort();
  assert.deepEqual(names, EXPECTED);
  for (const name of names) {
    const nb = await readNotebook(join(DIR, name));
    assert.deepEqual(validateNotebook(nb), [], name);
    assert.equal(nb.nbformat, 4, name);
    assert.equal(nb.nbformat_minor, 5, name);
    assert.deepEqual(nb.metadata.kernelspec, {
      name: "deno",
      display_name: "Deno",
      language: "typescript",
    });
    assert.equal((nb.metadata.language_info as { name: string }).name, "typescript", name);
    const code = nb.cells.filter((c) => c.cell_type === "code").map(cellSource);
    assert.match(
      code[0],
      /notebookParams\(\)/,
      `${name}: the first code cell reads the parameters`,
    );
    for (const [i, src] of code.entries()) {
      // Logic lives in lib/: a cell is a few calls and displays.
      assert.ok(src.split("\n").length <= 30, `${name} code cell ${i + 1} has more than 30 lines`);
      for (const m of src.matchAll(/from "([^"]+)"/g)) {
        assert.ok(
          /^(\.\.\/lib\/|node:)/.test(m[1]),
          `${name}: import ${m[1]} is not ../lib/ or node:`,
        );
      }
    }
  }
});

Deno.test("notebooks import lib/ only through an area's mod.ts or a top-level module", async () => {
  for (const name of EXPECTED) {
    const nb = await readNotebook(join(DIR, name));
    const source = nb.cells.filter((c) => c.cell_type === "code").map(cellSource).join("\n");
    const paths = [...source.matchAll(/from\s+"(\.\.\/lib\/[^"]+)"/g)].map((m) => m[1]);
    assert.ok(paths.length > 0, name);
    for (const path of paths) {
      assert.match(path, /^\.\.\/lib\/([a-z_]+\/mod|[a-z_]+)\.ts$/, `${name}: ${path}`);
    }
  }
});
