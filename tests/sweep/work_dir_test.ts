import assert from "node:assert/strict";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { cellRunDir, expandGrid, moveRunDir } from "../../lib/sweep/mod.ts";

Deno.test("cells without a folder in the sweep train in the work folder; begun ones resume in place", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cxr-sweep-work-" });
  try {
    const [a, b] = expandGrid({ models: ["mobilenetv2"], splits: ["official"], seeds: [1, 2] });
    const sweep = join(dir, "sweep");
    const work = join(dir, "work");
    await mkdir(join(sweep, "official", "mobilenetv2-seed2"), { recursive: true });
    assert.equal(await cellRunDir(sweep, work, a), join(work, "official", "mobilenetv2-seed1"));
    assert.equal(await cellRunDir(sweep, work, b), join(sweep, "official", "mobilenetv2-seed2"));
    assert.equal(
      await cellRunDir(sweep, undefined, a),
      join(sweep, "official", "mobilenetv2-seed1"),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("moveRunDir moves a finished run and rewrites the files that name its folder", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cxr-sweep-move-" });
  try {
    const from = join(dir, "work", "paper", "mobilenetv2-seed1");
    const to = join(dir, "sweep", "paper", "mobilenetv2-seed1");
    await mkdir(join(from, "eval-test"), { recursive: true });
    await writeFile(
      join(from, "train.log"),
      `t0 done: best -> ${from}/best_mobilenetv2_chestxray\n`,
    );
    await writeFile(
      join(from, "eval-test", "metrics.json"),
      JSON.stringify({ accuracy: 0.5, checkpoint: `${from}/best_mobilenetv2_chestxray` }),
    );
    await assert.rejects(() => moveRunDir(from, to), /is not finished; not moving it/);
    await writeFile(join(from, "eval-test", "report.md"), `- run: \`${from}\`\n`);
    await moveRunDir(from, to);
    await assert.rejects(() => Deno.stat(from));
    assert.equal(await readFile(join(to, "eval-test", "report.md"), "utf8"), `- run: \`${to}\`\n`);
    assert.equal(
      JSON.parse(await readFile(join(to, "eval-test", "metrics.json"), "utf8")).checkpoint,
      `${to}/best_mobilenetv2_chestxray`,
    );
    assert.match(await readFile(join(to, "train.log"), "utf8"), new RegExp(`-> ${to}/best`));
    await mkdir(from, { recursive: true });
    await assert.rejects(() => moveRunDir(from, to), /already exists/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a cell whose run folder another live process holds is left alone", async () => {
  const { LiveTable, runLocalSweep, sweepFile } = await import("../../lib/sweep/mod.ts");
  const { hostname } = await import("node:os");
  const dir = await Deno.makeTempDir({ prefix: "cxr-sweep-busy-" });
  try {
    const cells = expandGrid({ models: ["mobilenetv2"], splits: ["paper"], seeds: [1] });
    const run = join(dir, "paper", "mobilenetv2-seed1");
    await mkdir(run, { recursive: true });
    // This test process stands for a `cxr train` running in that folder.
    const holder = { pid: Deno.pid, host: hostname(), started: "now" };
    await writeFile(join(run, "run.lock"), JSON.stringify(holder));
    let text = "";
    const result = await runLocalSweep({
      sweepDir: dir,
      sweep: sweepFile("quick", cells),
      table: new LiveTable({ tty: false, write: (t) => (text += t) }),
    });
    assert.deepEqual([result.ran, result.failed, result.busy], [0, 0, 1]);
    assert.match(
      text,
      new RegExp(`seed1: left alone: another process trains it \\(pid ${Deno.pid} on `),
    );
    // No command was started for it.
    await assert.rejects(() => Deno.stat(join(dir, "logs", "paper__mobilenetv2-seed1.log")));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
