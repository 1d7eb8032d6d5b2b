/**
 * `cxr sweep --executor slurm` against a real one-node Slurm (not a mock): two tiny cells are
 * submitted as a job array, both finish, `cxr sweep status` and `cxr report` show both.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { WORKSPACE_ROOT } from "../../lib/paths.ts";
import { startSlurmCluster } from "./_slurm_cluster.ts";
import { CLI, sweepFixture, twoCellSweep } from "./_fixtures.ts";

const dec = new TextDecoder();

Deno.test("sweep --executor slurm: a job array of two cells finishes on a real Slurm", async () => {
  const f = await sweepFixture("cxr-sweep-slurm-");
  const cluster = await startSlurmCluster(join(f.tmp, "slurm-cluster")).catch(async (err) => {
    await Deno.remove(f.tmp, { recursive: true });
    throw err;
  });
  const env = { ...f.env, ...cluster.env };
  const cxr = (args: string[]) =>
    new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", CLI, ...args],
      env,
      cwd: WORKSPACE_ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
  try {
    const submit = await cxr(
      twoCellSweep(f, "--executor", "slurm", "--jobs", "2", "--cpus", "1"),
    );
    const said = dec.decode(submit.stdout);
    assert.equal(submit.code, 0, said + dec.decode(submit.stderr));
    const jobId = /submitted job array (\d+)/.exec(said)?.[1];
    assert.ok(jobId, said);
    const script = /wrote (\S+\.sh)/.exec(said)![1];
    const text = await readFile(script, "utf8");
    assert.ok(text.startsWith("#!/bin/bash\n"));
    assert.match(text, /#SBATCH --array=0-1%2/);

    let status = "";
    for (let i = 0; i < 300; i++) {
      status = dec.decode((await cxr(["sweep", "status", "--out", f.out])).stdout);
      if (/2\/2 done/.test(status) || /failed: /.test(status)) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const logs = async () => {
      const names = ["paper__mobilenetv2-seed1.log", "paper__mobilenetv2-seed2.log"];
      const texts = await Promise.all(
        names.map((n) => readFile(join(f.out, "logs", n), "utf8").catch(() => "(none)")),
      );
      return texts.join("\n") + "\n" + await cluster.logs();
    };
    assert.match(status, /2\/2 done, 0 failed/, status + "\n" + await logs());
    assert.match(status, new RegExp(`seed1 +done, test accuracy [0-9.]+ \\[slurm ${jobId}_0`));
    // Each task logged where it ran. The status reads "done" from the run folder as soon as the
    // evaluation is written; the task appends its last log line a moment later.
    let log = "";
    for (let i = 0; i < 60 && !/== cell done/.test(log); i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 500));
      log = await readFile(join(f.out, "logs", "paper__mobilenetv2-seed2.log"), "utf8");
    }
    assert.match(log, new RegExp(`== cell start .* \\(slurm job ${jobId}_1\\)`));
    assert.match(log, /== cell done "accuracy": [0-9.]+/);

    // Submitting again finds nothing to do.
    const again = await cxr(twoCellSweep(f, "--executor", "slurm"));
    assert.match(dec.decode(again.stdout), /all 2 cell\(s\) are finished .*nothing to submit/);

    const report = await cxr(["report", "--runs", f.out, "--out", join(f.tmp, "report")]);
    assert.equal(report.code, 0, dec.decode(report.stderr));
    assert.match(dec.decode(report.stdout), /from 2 run\(s\)/);
    assert.match(dec.decode(report.stdout), /sweep .*: 2 of 2 run\(s\) finished\n/);
    const md = await readFile(join(f.tmp, "report", "REPORT.md"), "utf8");
    assert.match(md, /paper\/mobilenetv2-seed1/);
    assert.match(md, /paper\/mobilenetv2-seed2/);
  } finally {
    await cluster.stop();
    await Deno.remove(f.tmp, { recursive: true });
  }
});
