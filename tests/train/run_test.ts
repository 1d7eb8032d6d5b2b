import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { initBackend } from "../../lib/backend.ts";
import { defaultConfig, loadConfig } from "../../lib/config.ts";
import { CxrError } from "../../lib/errors.ts";
import { configDiff, storedConfig, trainRun } from "../../lib/train/mod.ts";
import { fromWorkspace, WORKSPACE_ROOT } from "../../lib/paths.ts";
import { exists } from "../../lib/util/fs.ts";

Deno.test("trainRun: a missing data root or weights folder fails before the run folder exists", async () => {
  await initBackend({ backend: "cpu", quiet: true });
  const dir = await mkdtemp(join(tmpdir(), "cxr-trainrun-"));
  try {
    const base = { inputSize: 32, subsetPerClass: 4 };
    const noData = await loadConfig({
      overrides: { ...base, model: "baseline", dataRoot: join(dir, "no-data") },
    });
    const runDir = join(dir, "run");
    await assert.rejects(
      trainRun({ config: noData, runDir, print: () => {} }),
      (e) => e instanceof CxrError && /data root .*no-data does not exist/.test(e.message),
    );
    assert.equal(await exists(runDir), false, "no empty run folder is left behind");

    const noWeights = await loadConfig({
      overrides: { ...base, model: "mobilenetv2", weightsDir: join(dir, "no-weights") },
    });
    await assert.rejects(trainRun({ config: noWeights, runDir, print: () => {} }), CxrError);
    assert.equal(await exists(runDir), false);
  } finally {
    await rm(dir, { recursive: true });
  }
});

Deno.test("configDiff: names the first changed setting; data and weights locations do not count", () => {
  const a = defaultConfig("full");
  assert.equal(configDiff(a, structuredClone(a)), null);
  const moved = { ...a, dataRoot: "/elsewhere/chest_xray", weightsDir: "/elsewhere/w" };
  assert.equal(configDiff(a, moved), null);
  assert.equal(configDiff(a, { ...a, seed: a.seed + 1 }), `seed: ${a.seed} -> ${a.seed + 1}`);
});

Deno.test("storedConfig: data and weights locations relative to the workspace, nothing else changed", () => {
  const a = {
    ...defaultConfig("full"),
    dataRoot: resolve(WORKSPACE_ROOT, "../shared/data/chest_xray"),
    weightsDir: join(WORKSPACE_ROOT, "data/weights/w"),
  };
  const stored = storedConfig(a);
  assert.equal(stored.dataRoot, "../shared/data/chest_xray");
  assert.equal(stored.weightsDir, "data/weights/w");
  assert.equal(configDiff(a, stored), null);
  assert.deepEqual({ ...stored, dataRoot: a.dataRoot, weightsDir: a.weightsDir }, a);
  assert.equal(fromWorkspace(stored.dataRoot), a.dataRoot, "read back with fromWorkspace");
  assert.equal(storedConfig({ ...a, weightsDir: "" }).weightsDir, "", "the baseline has none");
});
