import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  cellName,
  cellPath,
  expandGrid,
  readSweep,
  recordSweep,
  splitLabel,
  sweepFile,
} from "../../lib/sweep/mod.ts";
import { CxrError } from "../../lib/errors.ts";

Deno.test("expandGrid crosses patient keys with the patient split only, without repeats", () => {
  const cells = expandGrid({
    models: ["mobilenetv2"],
    splits: ["paper", "patient"],
    seeds: [1, 2],
    patientKeys: ["person-type", "person"],
  });
  assert.deepEqual(cells.map(cellPath), [
    "paper/mobilenetv2-seed1",
    "paper/mobilenetv2-seed2",
    "patient/mobilenetv2-seed1",
    "patient/mobilenetv2-seed2",
    "patient-person/mobilenetv2-seed1",
    "patient-person/mobilenetv2-seed2",
  ]);
  assert.equal(cellName(cells[5]), "patient-person__mobilenetv2-seed2");
  assert.equal(splitLabel({ split: "official", patientKey: "person" }), "official");
  assert.equal(
    expandGrid({ models: ["baseline"], splits: ["official"], seeds: [3, 3] }).length,
    1,
  );
});

Deno.test("recordSweep merges cells of the same experiment and refuses another one", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cxr-sweep-grid-" });
  try {
    const a = expandGrid({ models: ["mobilenetv2"], splits: ["paper"], seeds: [1] });
    const b = expandGrid({ models: ["mobilenetv2"], splits: ["paper"], seeds: [1, 2] });
    await recordSweep(dir, sweepFile("quick", a));
    const text = await readFile(join(dir, "sweep.json"), "utf8");
    // The same grid again leaves the file as it was.
    await recordSweep(dir, sweepFile("quick", a));
    assert.equal(await readFile(join(dir, "sweep.json"), "utf8"), text);
    const merged = await recordSweep(dir, sweepFile("quick", b));
    assert.deepEqual(merged.seeds, [1, 2]);
    assert.deepEqual((await readSweep(dir))!.cells.map(cellPath), [
      "paper/mobilenetv2-seed1",
      "paper/mobilenetv2-seed2",
    ]);
    await assert.rejects(
      () => recordSweep(dir, sweepFile("quick", a, { config: { inputSize: 64 } })),
      (e: unknown) => e instanceof CxrError && /records config null/.test(e.message),
    );
    await assert.rejects(
      () => recordSweep(dir, sweepFile("full", a)),
      /records profile "quick", not "full"/,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
