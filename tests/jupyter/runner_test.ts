// These tests start Deno's real Jupyter kernel (well under a second each on this machine).
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  codeCell,
  markdownCell,
  newNotebook,
  type Notebook,
  validateNotebook,
  writeNotebook,
} from "../../lib/jupyter/nbformat.ts";
import { runNotebook } from "../../lib/jupyter/runner.ts";
import { WORKSPACE_ROOT } from "../../lib/paths.ts";

const NOTEBOOK_MOD = pathToFileURL(join(WORKSPACE_ROOT, "lib/notebook/mod.ts")).href;
const PROGRESS_MOD = pathToFileURL(join(WORKSPACE_ROOT, "lib/util/progress.ts")).href;

async function withNotebook(nb: Notebook, fn: (path: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "cxr-nb-" });
  try {
    const path = join(dir, "t.ipynb");
    await writeNotebook(path, nb);
    await fn(path);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const display = (text: string, extra = "") =>
  `await Deno.jupyter.display({ "text/plain": "${text}" }, { raw: true, display_id: "p"${extra} });`;

Deno.test("runner stores streams, displays, final display updates and results in nbformat 4", async () => {
  const nb = newNotebook([
    markdownCell("# Smoke"),
    codeCell('console.log("hello"); console.log("world"); console.error("warn");'),
    codeCell(
      [display("v0"), display("v1", ", update: true"), display("v2", ", update: true")].join("\n"),
    ),
    codeCell(`import { showTable } from "${NOTEBOOK_MOD}";\nawait showTable([{ a: 1 }]);\n6 * 7`),
    codeCell(
      `${
        display("v3 from a later cell", ", update: true")
      }\nsetTimeout(() => console.log("trailing"), 50);\n"done"`,
    ),
    codeCell("   "),
    codeCell('Deno.env.get("CXR_PROFILE")'),
    // Raw Deno.stderr writes never reach a notebook; progress() must still show up.
    codeCell(
      `import { progress } from "${PROGRESS_MOD}";\nconst p = progress("steps", 4);\np.tick(4);\np.done();`,
    ),
  ]);
  await withNotebook(nb, async (path) => {
    const events: string[] = [];
    const run = await runNotebook(path, {
      // The workspace's deno.json resolves the bare "arquero" import of lib/notebook.
      cwd: WORKSPACE_ROOT,
      env: { CXR_PROFILE: "quick" },
      onEvent: (e) => e.kind === "cell-end" && events.push(`${e.cellNumber}:${e.ok}`),
    });
    assert.equal(run.failure, undefined);
    assert.equal(run.executed, 6);
    assert.equal(run.cells, 8);
    assert.deepEqual(events, ["2:true", "3:true", "4:true", "5:true", "7:true", "8:true"]);

    const text = await readFile(path, "utf8");
    const stored = JSON.parse(text);
    assert.deepEqual(validateNotebook(stored), []);
    assert.deepEqual(JSON.parse(text), run.notebook);
    assert.equal(stored.metadata.kernelspec.name, "deno");
    assert.equal(stored.metadata.language_info.name, "typescript");
    const [, c2, c3, c4, c5, c6, c7, c8] = stored.cells;
    assert.deepEqual(c2.outputs, [
      { output_type: "stream", name: "stdout", text: ["hello\n", "world\n"] },
      { output_type: "stream", name: "stderr", text: ["warn\n"] },
    ]);
    const v3 = {
      output_type: "display_data",
      data: { "text/plain": ["v3 from a later cell"] },
      metadata: {},
    };
    assert.deepEqual(c3.outputs, [v3]);
    assert.equal(c4.outputs.length, 2);
    assert.equal(c4.outputs[0].output_type, "display_data");
    assert.match(c4.outputs[0].data["text/html"].join(""), /<table>.*<td[^>]*>1<\/td>/);
    assert.deepEqual(c4.outputs[1], {
      output_type: "execute_result",
      execution_count: 3,
      data: { "text/plain": ["42"] },
      metadata: {},
    });
    // The update to cell 3's display adds nothing here; the output after idle is kept.
    assert.deepEqual(c5.outputs, [
      {
        output_type: "execute_result",
        execution_count: 4,
        data: { "text/plain": ['"done"'] },
        metadata: {},
      },
      { output_type: "stream", name: "stdout", text: ["trailing\n"] },
    ]);
    assert.deepEqual([c2, c3, c4, c5, c6, c7].map((c) => c.execution_count), [1, 2, 3, 4, null, 5]);
    assert.deepEqual(c7.outputs[0].data, { "text/plain": ['"quick"'] });
    assert.equal(c8.outputs.length, 1);
    assert.equal(c8.outputs[0].name, "stderr");
    assert.match(c8.outputs[0].text.join(""), /^steps: 4\/4 \(100%\) [\d.]+ s, [\d.]+\/s\n$/);
  });
});

Deno.test("runner stops at the failing cell, names it, and clears stale later outputs", async () => {
  const stale = codeCell('console.log("never")');
  stale.execution_count = 9;
  stale.outputs = [{ output_type: "stream", name: "stdout", text: ["old\n"] }];
  const nb = newNotebook([
    markdownCell("# Fails"),
    codeCell("const a = 1;"),
    codeCell('throw new Error("boom at three")'),
    stale,
  ]);
  await withNotebook(nb, async (path) => {
    const run = await runNotebook(path);
    assert.equal(run.failure?.cellNumber, 3);
    assert.equal(run.failure?.ename, "Error");
    assert.equal(run.failure?.evalue, "boom at three");
    assert.equal(run.executed, 2);
    const stored = JSON.parse(await readFile(path, "utf8"));
    assert.deepEqual(validateNotebook(stored), []);
    const err = stored.cells[2].outputs[0];
    assert.equal(err.output_type, "error");
    assert.equal(err.ename, "Error");
    assert.equal(err.evalue, "boom at three");
    assert.ok(err.traceback.length > 0);
    assert.equal(stored.cells[2].execution_count, 2);
    assert.deepEqual(stored.cells[3].outputs, []);
    assert.equal(stored.cells[3].execution_count, null);
  });
});

Deno.test("a cell past its timeout fails the run and the kernel is shut down", async () => {
  const nb = newNotebook([
    codeCell("await new Promise((r) => setTimeout(r, 60_000));"),
    codeCell("1"),
  ]);
  await withNotebook(nb, async (path) => {
    const run = await runNotebook(path, { cellTimeoutMs: 1000 });
    assert.equal(run.failure?.cellNumber, 1);
    assert.equal(run.failure?.ename, "KernelError");
    assert.match(run.failure?.evalue ?? "", /did not finish within 1000 ms/);
    assert.equal(
      run.notebook.cells[1].cell_type === "code" && run.notebook.cells[1].execution_count,
      null,
    );
  });
});

Deno.test("aborting a run (Ctrl-C) shuts the kernel down and fails the current cell", async () => {
  const nb = newNotebook([
    codeCell('console.log("started"); await new Promise((r) => setTimeout(r, 60_000));'),
  ]);
  await withNotebook(nb, async (path) => {
    const controller = new AbortController();
    const run = await runNotebook(path, {
      signal: controller.signal,
      onEvent: (e) => e.kind === "stream" && controller.abort(),
    });
    assert.equal(run.failure?.ename, "Interrupted");
    assert.equal(run.failure?.cellNumber, 1);
    const cell = run.notebook.cells[0];
    assert.ok(cell.cell_type === "code");
    assert.deepEqual(cell.outputs.map((o) => o.output_type), ["stream", "error"]);
  });
});
