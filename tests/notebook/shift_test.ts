import assert from "node:assert/strict";
import { mkdir, mkdtemp, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { writePredictionsCsv } from "../../lib/metrics/mod.ts";
import {
  notebookParams,
  operatingPointFigure,
  operatingPointOfRun,
  operatingPointTable,
} from "../../lib/notebook/mod.ts";
import type { OperatingPointCheck } from "../../lib/shift/mod.ts";
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

Deno.test("operatingPointOfRun: the check from a run's val and test predictions, its table and figure", async () => {
  const dir = await mkdtemp(join(tmpdir(), "cxr-nb-op-"));
  try {
    const run = { runDir: dir, name: "runs/x", model: { ok: false as const, message: "none" } };
    const missing = await operatingPointOfRun(run);
    assert.equal(missing.ok, false);
    assert.match(
      (missing as { message: string }).message,
      /no val and test predictions in `runs\/x`; .*--split val/,
    );
    const write = async (split: string, labels: (0 | 1)[], probs: number[]) => {
      await mkdir(join(dir, `eval-${split}`), { recursive: true });
      await writePredictionsCsv(
        join(dir, `eval-${split}`, "predictions.csv"),
        labels.map((label, i) => ({ path: `${split}/${i}.jpeg`, label, prob: probs[i] })),
      );
    };
    await write("val", [0, 1, 1, 0], [0.2, 0.9, 0.96, 0.3]);
    await write("test", [0, 0, 0, 1, 1, 1], [0.1, 0.6, 0.95, 0.55, 0.97, 0.99]);
    const got = await operatingPointOfRun(run);
    assert.ok(got.ok);
    const { check } = got as { ok: true; check: OperatingPointCheck };
    assert.equal(check.testOracle.threshold, 0.97);
    const table = operatingPointTable(check);
    const oracle = table.find((r) => r.threshold === 0.97)!;
    assert.deepEqual(
      [oracle["val accuracy"], oracle["test accuracy"], oracle["test specificity"], oracle.note],
      [0.5, 0.833, 1, "best on test (oracle: reads test labels)"],
    );
    assert.equal(table[0].threshold, 0.5);
    assert.equal(table[0]["test accuracy"], 0.667);
    const spec = operatingPointFigure(check) as unknown as { data: { values: unknown[] } };
    assert.equal(spec.data.values.length, 3 * check.ladder.length); // three rates per point
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
