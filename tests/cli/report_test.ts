import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../lib/cli/main.ts";
import { fakeRun } from "../report/_fixtures.ts";
import { captureLog } from "./_capture.ts";

Deno.test("cxr report: REPORT.md from run folders; bad flag is a usage error", async () => {
  const root = await mkdtemp(join(tmpdir(), "cxr-report-cli-"));
  try {
    await fakeRun(join(root, "runs", "a"), {
      model: "mobilenetv2",
      split: "patient",
      seed: 3,
      wrong: [1],
    });
    let code = -1;
    const out = await captureLog(async () => {
      code = await runCli(["report", "--runs", join(root, "runs"), "--out", join(root, "out")]);
    });
    assert.equal(code, 0);
    assert.match(out, /wrote .*REPORT\.md from 1 run\(s\)/);
    const md = await readFile(join(root, "out", "REPORT.md"), "utf8");
    // patient-level column: 9 of 10 right
    assert.match(md, /\| accuracy \| 0\.975 \| 0\.900 \| 0\.928 \|/);
    const err = console.error;
    console.error = () => {};
    try {
      assert.equal(await runCli(["report", "--bogus"]), 2);
    } finally {
      console.error = err;
    }
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
