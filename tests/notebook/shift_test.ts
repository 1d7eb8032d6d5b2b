import assert from "node:assert/strict";
import { mkdir, mkdtemp, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { writePredictionsCsv } from "../../lib/metrics/mod.ts";
import { notebookParams } from "../../lib/notebook/mod.ts";
import { camMassTable, probabilityGroups, probabilityTable } from "../../lib/notebook/shift.ts";
import { shownPath, WORKSPACE_ROOT } from "../../lib/paths.ts";

Deno.test("probabilityTable: median and shares at 0.5 and 0.9 per group", () => {
  const t = probabilityTable({ a: [0.1, 0.6, 0.95, 0.2] });
  assert.deepEqual(t, [{
    group: "a",
    images: 4,
    "median p": 0.4,
    "p ≥ 0.5": "50.0%",
    "p ≥ 0.9": "25.0%",
  }]);
});

Deno.test("camMassTable: mean share per outcome, NaN heat left out", () => {
  const row = (outcome: "TP" | "FP", lungBox: number) => ({
    path: "",
    outcome,
    correct: outcome === "TP",
    prob: 0.9,
    lungBox,
    bodyMask: 0.5,
  });
  const t = camMassTable([row("FP", 0.2), row("FP", 0.4), row("FP", NaN), row("TP", 1)]);
  assert.equal(t[0]["heat in lung box"], 1);
  assert.equal(t[1]["heat in lung box"], 0.3);
  assert.equal(t[1].images, 3);
  assert.ok(Number.isNaN(t[2]["heat in lung box"]));
});

Deno.test("probabilityGroups: without a checkpoint, the finished runs' test predictions per seed", async () => {
  const dir = await mkdtemp(join(tmpdir(), "cxr-nb-shift-"));
  try {
    const evalDir = join(dir, "official", "mobilenetv2-seed7", "eval-test");
    await mkdir(evalDir, { recursive: true });
    await writePredictionsCsv(join(evalDir, "predictions.csv"), [
      { path: "test/NORMAL/a.jpeg", label: 0, prob: 0.9, patientId: "a" },
      { path: "test/PNEUMONIA/b.jpeg", label: 1, prob: 0.99, patientId: "b" },
      { path: "test/NORMAL/c.jpeg", label: 0, prob: 0.1, patientId: "c" },
    ]);
    const params = { ...notebookParams(), runDir: dir };
    const run = { runDir: dir, name: "x", model: { ok: false as const, message: "none" } };
    const g = await probabilityGroups(params, run, []);
    assert.deepEqual(g.byGroup, {
      "test NORMAL (seed7)": [0.9, 0.1],
      "test PNEUMONIA (seed7)": [0.99],
    });
    assert.equal(g.test, undefined);
    assert.match(g.source, /mobilenetv2-seed7\/eval-test\/predictions\.csv/);
    // No run in this profile's folder: another profile's runs, named as such.
    const outputs = join(dir, "outputs");
    await mkdir(join(outputs, "runs", "fast"), { recursive: true });
    await rename(join(dir, "official"), join(outputs, "runs", "fast", "official"));
    const other = {
      ...params,
      profile: "full" as const,
      outputsDir: outputs,
      runDir: join(outputs, "runs", "full"),
    };
    const g2 = await probabilityGroups(other, run, []);
    assert.deepEqual(g2.byGroup, g.byGroup);
    assert.match(g2.source, /runs\/fast`: this profile has no finished official run/);
    const empty = await probabilityGroups(
      { ...params, runDir: join(dir, "none"), outputsDir: join(dir, "no") },
      run,
      [],
    );
    assert.deepEqual(empty.byGroup, {});
    assert.match(empty.source, /no finished official run/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

Deno.test("shownPath: relative inside the workspace and beside it, absolute further away", () => {
  assert.equal(shownPath(join(WORKSPACE_ROOT, "outputs", "runs")), join("outputs", "runs"));
  assert.equal(shownPath(WORKSPACE_ROOT), ".");
  assert.equal(shownPath(join(WORKSPACE_ROOT, "..", "data", "x")), join("..", "data", "x"));
  assert.equal(shownPath(join(WORKSPACE_ROOT, "..")), "..");
  const far = join(WORKSPACE_ROOT, "..", "..", "elsewhere");
  assert.equal(shownPath(far), resolve(far));
  assert.equal(shownPath("/"), "/");
});
