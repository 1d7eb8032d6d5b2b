import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import { expandGrid, formatStatus, sweepFile, sweepStatus } from "../../lib/sweep/mod.ts";

Deno.test("sweep status: running while a live process holds the run folder, else interrupted", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cxr-sweep-status-" });
  try {
    const cells = expandGrid({ models: ["mobilenetv2"], splits: ["paper"], seeds: [1, 2, 3] });
    const sweep = sweepFile("full", cells);
    const history = JSON.stringify([1, 2].map((epoch) => ({ epoch, stage: 1, seconds: 100 })));
    const lock = (pid: number) => JSON.stringify({ pid, host: hostname(), started: "t" });
    const ended = new Deno.Command("true").spawn();
    const deadPid = ended.pid;
    await ended.status;
    for (const [seed, pid] of [[1, Deno.pid], [2, deadPid]]) {
      const run = join(dir, "paper", `mobilenetv2-seed${seed}`);
      await mkdir(run, { recursive: true });
      await writeFile(join(run, "history.json"), history);
      await writeFile(join(run, "run.lock"), lock(pid));
    }
    const lines = formatStatus(await sweepStatus(dir, sweep));
    assert.match(lines[0], new RegExp(`seed1  running epoch 3/15 \\(pid ${Deno.pid} on `));
    assert.match(lines[1], / {2}interrupted after epoch 2\/15$/);
    assert.ok(lines[1].includes("seed2  interrupted"));
    assert.ok(lines[2].endsWith("seed3  not started"));
    // 120 s start-up per run; 3 + 3 + 5 stage-1 epochs at the measured 100 s, 30 stage-2
    // epochs at the assumed 290 s: 360 + 1,100 + 8,700 = 10,160 s = 2 h 49 min.
    assert.match(lines[3], /0\/3 done, 0 failed .* about 2 h 49 min of work left on one worker/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
