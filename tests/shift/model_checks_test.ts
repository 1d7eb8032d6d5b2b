import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { prepareCache, readSplit } from "../../lib/data/mod.ts";
import { disposeGradCam } from "../../lib/explain/mod.ts";
import {
  camMass,
  maskedScores,
  openRunModel,
  outcomeOf,
  predictRows,
} from "../../lib/shift/mod.ts";
import { fixture } from "../evaluate/_fixture.ts";

await tf.setBackend("cpu");

Deno.test("openRunModel: a missing checkpoint names the run and the command that trains it", async () => {
  const dir = await mkdtemp(join(tmpdir(), "cxr-shift-"));
  try {
    const { runDir } = await fixture(dir);
    await rm(join(runDir, "best_mobilenetv2_chestxray"), { recursive: true });
    const r = await openRunModel(runDir, "runs/x");
    assert.equal(r.ok, false);
    if (!r.ok) {
      assert.match(r.message, /runs\/x/);
      assert.match(r.message, /best_mobilenetv2_chestxray\/model\.json/);
      assert.match(
        r.message,
        /deno task cxr train --run-dir runs\/x --model mobilenetv2 --split patient --profile quick --seed 5/,
      );
    }
    const none = await openRunModel(join(dir, "nowhere"), "n", "; train it first");
    assert.equal(none.ok, false);
    if (!none.ok) assert.equal(none.message, "no run in `n` (no config.json); train it first");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

Deno.test("model checks: probabilities, Grad-CAM mass in the lung box, scores with the border blanked", async () => {
  const dir = await mkdtemp(join(tmpdir(), "cxr-shift-"));
  try {
    const { root, runDir } = await fixture(dir);
    const run = await openRunModel(runDir);
    assert.ok(run.ok);
    if (!run.ok) return;
    const rows = (await readSplit(join(runDir, "splits"))).test;
    const images = await prepareCache({
      dataRoot: root,
      size: 32,
      cacheDir: join(dir, "c"),
      rows,
      progress: false,
    });
    const before = tf.memory().numTensors;
    const probs = await predictRows(run.model, images, rows);
    rows.forEach((r, i) => assert.equal(probs[i] >= 0.5, r.label === "PNEUMONIA", r.path));
    const cams = await camMass(run.model, images, rows, probs, { perOutcome: 2, seed: 1 });
    assert.deepEqual(cams.map((c) => c.outcome), ["TP", "TP", "TN", "TN"]);
    // The model's PNEUMONIA heat lies on the bright square, which sits inside the lung box.
    for (const c of cams.filter((c) => c.outcome === "TP")) {
      assert.ok(c.lungBox > 0.8, `${c.lungBox}`);
    }
    const scores = await maskedScores(run.model, images, rows, [0, 0.1]);
    assert.deepEqual(scores.map((s) => s.blank), [0, 0.1]);
    assert.equal(scores[0].accuracy, 1);
    assert.ok(scores[0].meanProbNormal < 0.5);
    disposeGradCam(run.model);
    assert.equal(tf.memory().numTensors, before, "no tensors left behind");
    run.model.dispose();
    assert.equal(outcomeOf(0, 0.7), "FP");
    assert.equal(outcomeOf(1, 0.2), "FN");
    assert.equal(outcomeOf(1, 0.5), "TP");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
