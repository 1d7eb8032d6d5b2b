/**
 * The Slurm job script itself, run with bash as a node would run one array task: it names what
 * is missing on the node (Deno, data, weights) in the cell's log, and `sweep status` shows it.
 * (The script on a real Slurm: slurm_cluster_test.ts.)
 */
import assert from "node:assert/strict";
import { mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { join } from "node:path";
import {
  expandGrid,
  formatStatus,
  shQuote,
  slurmScript,
  sweepFile,
  sweepStatus,
} from "../../lib/sweep/mod.ts";

Deno.test("shQuote keeps plain words and quotes the rest for bash", () => {
  assert.equal(shQuote("/a/b-c_d.json"), "/a/b-c_d.json");
  assert.equal(shQuote("it's here"), `'it'\\''s here'`);
});

Deno.test("the job script checks Deno, data and weights on the node and logs what is missing", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cxr-slurm-script-" });
  try {
    const cells = expandGrid({
      models: ["mobilenetv2", "baseline"],
      splits: ["paper"],
      seeds: [7],
    });
    const sweep = sweepFile("quick", cells);
    const out = join(dir, "sweep");
    const data = join(dir, "data");
    await mkdir(join(data, "train"), { recursive: true });
    const script = (deno: string) =>
      slurmScript(out, sweep, cells, {
        concurrent: 3,
        time: "1:00:00",
        cpus: 2,
        deno,
        dataDir: data,
        weightsDir: join(dir, "no-weights"),
      });
    const text = script("/nonexistent/deno");
    assert.ok(text.startsWith("#!/bin/bash\n"));
    assert.match(text, /^#SBATCH --array=0-1%3$/m);
    assert.match(text, /^#SBATCH --cpus-per-task=2$/m);
    const path = join(dir, "job.sh");
    await writeFile(path, text);
    const syntax = await new Deno.Command("bash", { args: ["-n", path] }).output();
    assert.equal(syntax.code, 0);

    // A node without Deno: only the shell tools the script uses are on PATH.
    const bin = join(dir, "bin");
    await mkdir(bin);
    for (const tool of ["mkdir", "date", "hostname", "mktemp", "grep", "tail", "tee", "rm"]) {
      const found = new TextDecoder().decode(
        (await new Deno.Command("bash", { args: ["-c", `command -v ${tool}`], stdout: "piped" })
          .output()).stdout,
      ).trim();
      await symlink(found, join(bin, tool));
    }
    const task = (id: number, env: Record<string, string>) =>
      new Deno.Command("/bin/bash", {
        args: [path],
        env: { SLURM_ARRAY_TASK_ID: String(id), SLURM_ARRAY_JOB_ID: "77", ...env },
        clearEnv: true,
      }).output();
    const noDeno = await task(0, { PATH: bin });
    assert.equal(noDeno.code, 1);
    const log0 = join(out, "logs", "paper__mobilenetv2-seed7.log");
    assert.match(
      await readFile(log0, "utf8"),
      new RegExp(`== cell failed: Deno is missing on ${hostname()}: install Deno 2 there`),
    );

    // Deno present, weights missing (MobileNetV2 needs them; the baseline does not).
    const withDeno = await writeFile(path, script(Deno.execPath())).then(() =>
      task(0, { PATH: bin })
    );
    assert.equal(withDeno.code, 1);
    assert.match(
      await readFile(log0, "utf8"),
      /== cell failed: the ImageNet weights are missing on .*: no .*no-weights\/weights\.json/,
    );
    const noData = await task(1, { PATH: bin, CXR_DATA_DIR: join(dir, "nowhere") });
    assert.equal(noData.code, 1);
    const status = formatStatus(await sweepStatus(out, sweep));
    assert.match(status[0], /paper\/mobilenetv2-seed7 +failed: the ImageNet weights are missing/);
    assert.match(
      status[1],
      /paper\/baseline-seed7 +failed: the data is missing on .*nowhere\/train/,
    );
    assert.match(status[2], /0\/2 done, 2 failed/);
    assert.equal((await task(5, { PATH: bin })).code, 2); // no such task
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
