/**
 * The local executor end to end with real `cxr train` / `cxr evaluate` children on a tiny
 * dataset: both cells run, a rerun does nothing new, kill -9 of the sweep stops its child and a
 * rerun completes without redoing finished epochs.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { WORKSPACE_ROOT } from "../../lib/paths.ts";
import { CLI, sweepFixture, twoCellSweep } from "./_fixtures.ts";

const dec = new TextDecoder();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function readJson<T>(path: string): Promise<T | null> {
  try {
    return JSON.parse(await readFile(path, "utf8"));
  } catch {
    return null;
  }
}

/** Processes whose command line mentions `text` (other than this test's own). */
async function processesWith(text: string): Promise<string[]> {
  const out = await new Deno.Command("ps", { args: ["-ww", "-eo", "pid,args"], stdout: "piped" })
    .output();
  return dec.decode(out.stdout).split("\n").filter((l) => l.includes(text) && !l.includes(" ps "));
}

Deno.test("sweep: two cells run, a rerun runs nothing, kill -9 then rerun resumes", async () => {
  const f = await sweepFixture("cxr-sweep-local-");
  const args = [
    "run",
    "-A",
    CLI,
    ...twoCellSweep(f),
  ];
  const command = new Deno.Command(Deno.execPath(), {
    args,
    env: f.env,
    cwd: WORKSPACE_ROOT,
    stdout: "piped",
    stderr: "piped",
  });
  const seed1 = join(f.out, "paper", "mobilenetv2-seed1");
  try {
    // Kill the sweep outright once cell 1 has finished an epoch.
    const first = command.spawn();
    let before: { epoch: number; seconds: number }[] | null = null;
    for (let i = 0; i < 6000 && !before; i++) {
      const history = await readJson<{ epoch: number; seconds: number }[]>(
        join(seed1, "history.json"),
      );
      if (history && history.length >= 1) before = history;
      else await sleep(20);
    }
    first.kill("SIGKILL");
    await first.status;
    await Promise.all([first.stdout.cancel(), first.stderr.cancel()]);
    assert.ok(before, "cell 1 never finished an epoch");
    // Its child notices the parent is gone and stops (it checks every second).
    let orphans: string[] = [];
    for (let i = 0; i < 50; i++) {
      orphans = await processesWith(seed1);
      if (orphans.length === 0) break;
      await sleep(200);
    }
    assert.deepEqual(orphans, [], "a cell kept running after its sweep was killed");

    const second = await command.output();
    const stdout = dec.decode(second.stdout);
    assert.equal(second.code, 0, stdout + dec.decode(second.stderr));
    assert.match(stdout, /paper\/mobilenetv2-seed1: queued \(resumes after epoch \d\)/);
    assert.match(stdout, /sweep: 2 cell\(s\) run, all 2 finished/);
    const history = (await readJson<{ epoch: number; seconds: number }[]>(
      join(seed1, "history.json"),
    ))!;
    assert.deepEqual(history.map((h) => h.epoch), [1, 2, 3]);
    // Epochs finished before the kill were not trained again.
    const kept = history.slice(0, before.length);
    assert.deepEqual(kept, before.slice(0, kept.length));
    assert.match(await readFile(join(seed1, "train.log"), "utf8"), /resuming .* after epoch/);
    for (const seed of [1, 2]) {
      const m = await readJson<{ accuracy: number; n: number }>(
        join(f.out, "paper", `mobilenetv2-seed${seed}`, "eval-test", "metrics.json"),
      );
      assert.ok(m && m.n === 4 && m.accuracy >= 0 && m.accuracy <= 1, JSON.stringify(m));
      assert.match(stdout, new RegExp(`seed${seed}: done, test accuracy ${m.accuracy.toFixed(4)}`));
    }

    // The same command again starts nothing.
    const logBefore = await readFile(join(f.out, "logs", "paper__mobilenetv2-seed2.log"), "utf8");
    const third = await command.output();
    const again = dec.decode(third.stdout);
    assert.equal(third.code, 0, again);
    assert.match(again, /sweep: 0 cell\(s\) run, all 2 finished/);
    assert.match(again, /seed2: done, test accuracy .* \(finished earlier\)/);
    assert.equal(
      await readFile(join(f.out, "logs", "paper__mobilenetv2-seed2.log"), "utf8"),
      logBefore,
    );

    const status = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", CLI, "sweep", "status", "--out", f.out],
      env: f.env,
      stdout: "piped",
    }).output();
    assert.match(dec.decode(status.stdout), /2\/2 done, 0 failed \(profile quick/);

    // A different experiment in the same folder is refused.
    const other = await new Deno.Command(Deno.execPath(), {
      args: args.map((a) => (a === "quick" ? "full" : a)),
      env: f.env,
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(other.code, 2);
    assert.match(dec.decode(other.stderr), /records profile "quick", not "full"/);
  } finally {
    await Deno.remove(f.tmp, { recursive: true });
  }
});
