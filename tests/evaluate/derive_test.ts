import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { CxrError } from "../../lib/errors.ts";
import { toWorkspace } from "../../lib/paths.ts";
import { deriveEvaluationRun, evaluateRun } from "../../lib/evaluate/mod.ts";
import { fixture } from "./_fixture.ts";

await tf.setBackend("cpu");

const read = (path: string) => readFile(path, "utf8");

Deno.test("deriveEvaluationRun: same model and records, new evaluation fields, then evaluated", async () => {
  const dir = await mkdtemp(join(tmpdir(), "cxr-derive-"));
  try {
    const { runDir } = await fixture(dir);
    const to = join(dir, "variants", "run+flip");
    const config = await deriveEvaluationRun({
      from: runDir,
      to,
      changes: { tta: "flip", threshold: "youden" },
    });
    const source = JSON.parse(await read(join(runDir, "config.json")));
    assert.deepEqual(
      JSON.parse(await read(join(to, "config.json"))),
      { ...config },
    );
    assert.equal(config.tta, "flip");
    assert.equal(config.threshold, "youden");
    // Every training field is the source's.
    for (const [k, v] of Object.entries(source)) {
      if (k !== "tta" && k !== "threshold") {
        assert.deepEqual(config[k as keyof typeof config], v, k);
      }
    }
    for (const f of ["history.json", "splits/train.csv", "best_mobilenetv2_chestxray/model.json"]) {
      assert.equal(await read(join(to, f)), await read(join(runDir, f)), f);
    }
    assert.deepEqual(JSON.parse(await read(join(to, "derived.json"))), {
      derivedFrom: toWorkspace(runDir),
      changed: { tta: "flip", threshold: "youden" },
    });
    // The new folder evaluates as any run, by its own rules.
    const result = await evaluateRun({
      runDir: to,
      cacheDir: join(dir, "cache"),
      bootstrap: 0,
      gradcamPerOutcome: 0,
      print: () => {},
    });
    const metrics = JSON.parse(await read(join(result.outDir, "metrics.json")));
    assert.equal(metrics.tta, "flip");
    assert.equal(metrics.operating_point.rule, "youden");
    assert.equal(metrics.operating_point.chosenOn, "val");
    // A second derive into the same folder, or from a folder without a model, is refused.
    await assert.rejects(
      deriveEvaluationRun({ from: runDir, to, changes: { tta: "none" } }),
      (e) => e instanceof CxrError && /exists already/.test(e.message),
    );
    await assert.rejects(
      deriveEvaluationRun({ from: join(dir, "variants"), to: join(dir, "x"), changes: {} }),
      (e) => e instanceof CxrError && e.message.includes(join(dir, "variants")),
    );
    await assert.rejects(
      deriveEvaluationRun({
        from: runDir,
        to: join(dir, "y"),
        changes: { tta: "mirror" as "flip" },
      }),
      (e) => e instanceof CxrError && /tta/.test(e.message),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
