// A standard Jupyter client (Debian's python3-nbclient, which .ci/run installs when missing)
// executes a real notebook with the Deno kernel, started as `jupyter nbconvert --execute` starts
// it: from the repository root, the kernel in the notebook's folder, a relative CXR_DATA_DIR.
import assert from "node:assert/strict";
import { dirname, join, relative } from "node:path";
import type { Notebook } from "../../lib/jupyter/nbformat.ts";
import { runNotebook } from "../../lib/jupyter/runner.ts";
import { shownPath, WORKSPACE_ROOT } from "../../lib/paths.ts";
import { realDataRoot } from "../_real_data.ts";

const PYTHON = "/usr/bin/python3";
const NOTEBOOK = join(WORKSPACE_ROOT, "notebooks", "01_data_exploration.ipynb");

/** Reads argv[1] (a notebook), executes it with nbclient as nbconvert would, writes argv[2]. */
const NBCLIENT_RUN = `
import os, sys, nbformat
from nbclient import NotebookClient
src, out = sys.argv[1:3]
nb = nbformat.read(src, as_version=4)
NotebookClient(nb, kernel_name="deno", timeout=600,
               resources={"metadata": {"path": os.path.dirname(src)}}).execute()
nbformat.write(nb, out)
`;

/** Per code cell (by position), its outputs as `stream:NAME` or `TYPE:MIME,MIME`. */
function outputShapes(nb: Notebook): Record<number, string[]> {
  const shapes: Record<number, string[]> = {};
  nb.cells.forEach((cell, i) => {
    if (cell.cell_type !== "code") return;
    const list = cell.outputs.map((o) =>
      o.output_type === "stream"
        ? `stream:${o.name}`
        : o.output_type === "error"
        ? `error:${o.ename}`
        : `${o.output_type}:${Object.keys(o.data).sort().join(",")}`
    );
    // Clients may split one stream into several outputs; count a run of them once.
    shapes[i + 1] = list.filter((s, j) => !(s.startsWith("stream:") && s === list[j - 1]));
  });
  return shapes;
}

async function nbclientAvailable(): Promise<string | undefined> {
  try {
    const out = await new Deno.Command(PYTHON, { args: ["-c", "import nbclient, nbformat"] })
      .output();
    return out.success ? undefined : new TextDecoder().decode(out.stderr).trim();
  } catch (err) {
    return (err as Error).message;
  }
}

Deno.test("nbclient runs notebook 01 from the repository root with a relative data folder; outputs match the runner's", async () => {
  const missing = await nbclientAvailable();
  assert.equal(
    missing,
    undefined,
    `${PYTHON} cannot import nbclient (${missing}): apt-get install python3-nbclient`,
  );
  const dir = await Deno.makeTempDir({ prefix: "cxr-nbclient-" });
  const env = {
    CXR_PROFILE: "quick",
    CXR_DATA_DIR: relative(WORKSPACE_ROOT, realDataRoot()), // relative, as a user writes it
    NO_COLOR: "1",
  };
  try {
    const out = join(dir, "01.ipynb");
    const run = await new Deno.Command(PYTHON, {
      args: ["-c", NBCLIENT_RUN, relative(WORKSPACE_ROOT, NOTEBOOK), out],
      cwd: WORKSPACE_ROOT,
      env: {
        ...env,
        // The project-local kernelspec (jupyter/kernels/deno) runs `deno` from PATH.
        JUPYTER_PATH: join(WORKSPACE_ROOT, "jupyter"),
        PATH: `${dirname(Deno.execPath())}:${Deno.env.get("PATH") ?? "/usr/bin:/bin"}`,
      },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const err = new TextDecoder().decode(run.stderr);
    assert.ok(run.success, `nbclient failed:\n${err.slice(-3000)}`);
    const viaJupyter = JSON.parse(await Deno.readTextFile(out)) as Notebook;

    const viaRunner = await runNotebook(NOTEBOOK, { env, write: false });
    assert.equal(viaRunner.failure, undefined);

    const shapes = outputShapes(viaJupyter);
    assert.deepEqual(shapes, outputShapes(viaRunner.notebook));
    const all = Object.values(shapes).flat();
    assert.ok(!all.some((s) => s.startsWith("error:")), all.join("\n"));
    // Every chart carries a PNG rendition, which nbconvert's HTML export shows.
    const charts = all.filter((s) => s.includes("application/vnd.vegalite.v5+json"));
    assert.equal(charts.length, 4);
    assert.ok(charts.every((s) => s.includes("image/png") && !s.includes("image/svg+xml")));
    // ... sized as the SVG (the PNG holds twice the pixels).
    const chart = viaJupyter.cells[4].cell_type === "code" ? viaJupyter.cells[4].outputs[0] : null;
    assert.ok(chart?.output_type === "display_data");
    const size = chart.metadata["image/png"] as { width: number; height: number };
    assert.ok(size.width > 100 && size.height > 100, JSON.stringify(chart.metadata));
    // The relative data folder resolved against the workspace root, not notebooks/ (shown
    // relative to the workspace root).
    const header = viaJupyter.cells[1].cell_type === "code" ? viaJupyter.cells[1].outputs[0] : null;
    assert.ok(header?.output_type === "display_data");
    assert.match(
      String(header.data["text/plain"]),
      new RegExp(`data \`${shownPath(realDataRoot())}\``),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
