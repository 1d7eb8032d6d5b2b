import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../lib/cli/main.ts";
import { fixture } from "../evaluate/_fixture.ts";

Deno.test("cxr evaluate: writes eval-<split>/ and prints the metrics table; bad flags are usage errors", async () => {
  const dir = await mkdtemp(join(tmpdir(), "cxr-eval-cli-"));
  const [log, error] = [console.log, console.error];
  let out = "";
  let err = "";
  console.log = (...a: unknown[]) => void (out += a.join(" ") + "\n");
  console.error = (...a: unknown[]) => void (err += a.join(" ") + "\n");
  const cacheEnv = Deno.env.get("CXR_CACHE_DIR");
  try {
    const { runDir } = await fixture(dir);
    Deno.env.set("CXR_CACHE_DIR", join(dir, "cache"));
    const code = await runCli([
      "evaluate",
      "--run-dir",
      runDir,
      "--backend",
      "cpu",
      "--bootstrap",
      "20",
      "--gradcam",
      "1",
    ]);
    assert.equal(code, 0, err);
    assert.match(out, /roc_auc +1\.0000/);
    assert.match(out, /wrote 23 files to .*eval-test/); // skipped.csv too, even when empty
    const metrics = JSON.parse(await readFile(join(runDir, "eval-test", "metrics.json"), "utf8"));
    assert.deepEqual(metrics.confusion_matrix, [[6, 0], [0, 6]]);

    err = "";
    assert.equal(await runCli(["evaluate", "--run-dir", runDir, "--split", "train"]), 2);
    assert.match(err, /--split train: expected one of test, val, official-test/);
    assert.equal(await runCli(["evaluate"]), 2);
  } finally {
    [console.log, console.error] = [log, error];
    if (cacheEnv === undefined) Deno.env.delete("CXR_CACHE_DIR");
    else Deno.env.set("CXR_CACHE_DIR", cacheEnv);
    await rm(dir, { recursive: true });
  }
});
