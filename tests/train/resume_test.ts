/**
 * Kill -9 mid-run and rerun the same command: the run resumes after the last completed epoch,
 * the history has every epoch exactly once, and it equals an uninterrupted run's.
 */
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { WORKSPACE_ROOT } from "../../lib/paths.ts";
import { realWeightsDir } from "../_real_data.ts";
import { tinyDataset } from "../_tiny_dataset.ts";

/** The saved state (`last/`, or `last.old` if the kill fell between the folder's two renames). */
async function readState(runDir: string): Promise<{ epoch: number; history: unknown[] } | null> {
  for (const dir of ["last", "last.old"]) {
    try {
      return JSON.parse(await readFile(join(runDir, dir, "state.json"), "utf8"));
    } catch {
      // not there (yet)
    }
  }
  return null;
}

Deno.test("kill -9 after the first epoch, rerun: resumes with no gap or duplicate epoch", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "cxr-resume-" });
  const data = join(tmp, "data");
  const runDir = join(tmp, "run");
  await tinyDataset(data);
  const args = [
    "run",
    "-A",
    join(WORKSPACE_ROOT, "lib", "cli", "main.ts"),
    "train",
    "--run-dir",
    runDir,
    "--data",
    data,
    "--weights",
    realWeightsDir(),
    "--backend",
    "cpu",
    "--profile",
    "quick",
    "--split",
    "paper",
    "--subset",
    "0",
    "--input-size",
    "32",
    "--batch-size",
    "8",
    "--stage1-epochs",
    "2",
    "--stage2-epochs",
    "2",
    "--fine-tune-from",
    "Conv_1",
    "--no-feature-cache",
  ];
  const env = { CXR_CACHE_DIR: join(tmp, "cache") };
  const command = new Deno.Command(Deno.execPath(), {
    args,
    env,
    stdout: "null",
    stderr: "piped",
    cwd: WORKSPACE_ROOT,
  });

  const first = command.spawn();
  let killedAt: number | null = null;
  for (let i = 0; i < 3000 && killedAt === null; i++) {
    const state = await readState(runDir);
    if (state && state.epoch >= 1) {
      first.kill("SIGKILL");
      killedAt = state.epoch;
    } else {
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  const status = await first.status;
  await first.stderr.cancel();
  assert.ok(killedAt !== null, "the first epoch never completed");
  assert.equal(status.signal, "SIGKILL");
  // The saved state is the source of truth: the kill may land before history.json is written.
  const before = (await readState(runDir))!.history;
  assert.ok(before.length < 4, `killed too late: ${before.length} epochs already done`);

  const second = await command.output();
  assert.equal(second.code, 0, new TextDecoder().decode(second.stderr));
  const history = JSON.parse(await readFile(join(runDir, "history.json"), "utf8"));
  assert.deepEqual(history.map((r: { epoch: number }) => r.epoch), [1, 2, 3, 4]);
  assert.deepEqual(history.map((r: { stage: number }) => r.stage), [1, 1, 2, 2]);
  // Epochs finished before the kill are kept as they were.
  assert.deepEqual(history.slice(0, before.length), before);
  const csv = (await readFile(join(runDir, "history.csv"), "utf8")).trim().split("\n");
  assert.equal(csv.length, 5);
  const log = await readFile(join(runDir, "train.log"), "utf8");
  assert.match(log, new RegExp(`resuming .* after epoch ${before.length}`));
  assert.ok((await Deno.stat(join(runDir, "best_mobilenetv2_chestxray", "model.json"))).isFile);

  // Rerunning a finished run trains nothing and leaves train.log (the report's timing) as it is.
  const again = await new Deno.Command(Deno.execPath(), {
    args,
    env,
    stdout: "piped",
    stderr: "piped",
    cwd: WORKSPACE_ROOT,
  }).output();
  assert.equal(again.code, 0, new TextDecoder().decode(again.stderr));
  assert.match(
    new TextDecoder().decode(again.stdout),
    /is complete \(4 epochs\); nothing to train/,
  );
  assert.equal(await readFile(join(runDir, "train.log"), "utf8"), log);

  // The interrupted run is exactly the run that was never interrupted (same seeded shuffles,
  // augmentation and Dropout masks, restored weights and optimizer state).
  const straightDir = join(tmp, "straight");
  const straight = await new Deno.Command(Deno.execPath(), {
    args: args.map((a) => (a === runDir ? straightDir : a)),
    env,
    stdout: "null",
    stderr: "piped",
    cwd: WORKSPACE_ROOT,
  }).output();
  assert.equal(straight.code, 0, new TextDecoder().decode(straight.stderr));
  const expected = JSON.parse(await readFile(join(straightDir, "history.json"), "utf8"));
  const metrics = (rows: Record<string, number>[]) =>
    rows.map(({ epoch, stage, loss, accuracy, val_loss, val_accuracy }) => ({
      epoch,
      stage,
      loss,
      accuracy,
      val_loss,
      val_accuracy,
    }));
  assert.deepEqual(metrics(history), metrics(expected));
  await Deno.remove(tmp, { recursive: true });
});
