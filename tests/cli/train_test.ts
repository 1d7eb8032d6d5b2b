/**
 * `cxr train` as a user runs it: one writer per run folder, and damaged checkpoints named with
 * their fix (a tiny generated dataset, MobileNetV2's head at 32 px, so it takes seconds).
 */
import assert from "node:assert/strict";
import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";
import { realWeightsDir } from "../_real_data.ts";
import { WORKSPACE_ROOT } from "../../lib/paths.ts";

/**
 * A flat-layout dataset of `n` small gray PNGs per class (PNEUMONIA brighter). With `linked`,
 * `root/PNEUMONIA` is a symbolic link to a folder elsewhere (`ln -s .../PNEUMONIA L/PNEUMONIA`).
 */
async function tinyDataset(root: string, n = 12, linked = false): Promise<void> {
  let seed = 11;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 24);
  for (const [label, base] of [["NORMAL", 60], ["PNEUMONIA", 150]] as const) {
    if (linked && label === "PNEUMONIA") {
      await mkdir(join(root, "..", "elsewhere", label), { recursive: true });
      await Deno.symlink(join(root, "..", "elsewhere", label), join(root, label));
    }
    await mkdir(join(root, label), { recursive: true });
    for (let i = 0; i < n; i++) {
      const px = new Uint8Array(40 * 40).map(() => base + (rand() % 60));
      const name = label === "NORMAL" ? `IM-${1000 + i}-0001.png` : `person${i}_virus_${i}.png`;
      await sharp(px, { raw: { width: 40, height: 40, channels: 1 } }).png().toFile(
        join(root, label, name),
      );
    }
  }
}

function trainCommand(runDir: string, data: string, cache: string, extra: string[] = []) {
  return new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      join(WORKSPACE_ROOT, "lib", "cli", "main.ts"),
      "train",
      ...["--run-dir", runDir, "--data", data, "--weights", realWeightsDir(), "--profile", "quick"],
      ...["--split", "paper", "--subset", "0", "--input-size", "32", "--batch-size", "8"],
      ...["--stage1-epochs", "2", "--stage2-epochs", "0", "--backend", "cpu", ...extra],
    ],
    env: { CXR_CACHE_DIR: cache },
    stdout: "piped",
    stderr: "piped",
    cwd: WORKSPACE_ROOT,
  });
}

/** Every path under `dir` (relative), recursively. */
async function listAll(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    out.push(prefix + e.name);
    if (e.isDirectory()) out.push(...await listAll(join(dir, e.name), `${prefix}${e.name}/`));
  }
  return out;
}

const text = (b: Uint8Array) => new TextDecoder().decode(b);

Deno.test("cxr train: two processes on one run folder: one trains, the other exits at once naming the holder", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "cxr-train-lock-" });
  const data = join(tmp, "data");
  const runDir = join(tmp, "run");
  await tinyDataset(data, 12, true); // a symlinked class folder is followed
  const cmd = trainCommand(runDir, data, join(tmp, "cache"));
  const first = cmd.spawn();
  let exited = false;
  const firstOut = first.output().finally(() => (exited = true));
  const lockPath = join(runDir, "run.lock");
  while (!exited && !(await stat(lockPath).then(() => true, () => false))) {
    await new Promise((r) => setTimeout(r, 20));
  }
  const started = performance.now();
  const second = await cmd.output();
  const seconds = (performance.now() - started) / 1000;
  const a = await firstOut;
  assert.equal(a.code, 0, text(a.stderr));
  assert.equal(second.code, 1);
  const message = text(second.stderr).trim();
  assert.equal(message.split("\n").length, 1, message);
  assert.match(
    message,
    new RegExp(`^error: run folder ${runDir} is in use by process ${first.pid} on `),
  );
  console.log(`second process exited ${seconds.toFixed(2)} s after it started (including startup)`);

  const log = await readFile(join(runDir, "train.log"), "utf8");
  assert.equal(log.match(/ training mobilenetv2/g)?.length, 1, log);
  assert.match(log, /on 18 images, validating on 4/, "both classes, the linked one included");
  assert.equal(log.match(/epoch 1\/2/g)?.length, 1, log);
  assert.equal(log.match(/epoch 2\/2/g)?.length, 1, log);
  const files = await listAll(runDir);
  assert.deepEqual(files.filter((f) => /\.tmp-|\.lock/.test(f)), [], files.join(", "));
});

Deno.test("cxr train: a damaged checkpoint is named with its fix; --restart starts over", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "cxr-train-damaged-" });
  const data = join(tmp, "data");
  const runDir = join(tmp, "run");
  await tinyDataset(data);
  const cmd = trainCommand(runDir, data, join(tmp, "cache"));
  const done = await cmd.output();
  assert.equal(done.code, 0, text(done.stderr));
  const history = await readFile(join(runDir, "history.json"), "utf8");

  // A deleted split file is made again from the seed and checked against the checkpoint
  // (it used to suggest 'cxr manifest').
  await Deno.remove(join(runDir, "splits", "val.csv"));
  const remade = await cmd.output();
  assert.equal(remade.code, 0, text(remade.stderr));
  assert.match(text(remade.stdout), /val\.csv missing: making the run's split again from its seed/);
  assert.match(text(remade.stdout), /is complete \(2 epochs\); nothing to train/);

  // Random bytes of the same size: resuming used to go on silently at loss 0.6931.
  const weights = join(runDir, "last", "weights.bin");
  const { size } = await stat(weights);
  await writeFile(weights, new Uint8Array(size).map((_, i) => (i * 7919) % 251));
  const damaged = await cmd.output();
  assert.equal(damaged.code, 1);
  assert.equal(
    text(damaged.stderr).trim(),
    `error: cannot resume: ${weights} does not match the sha256 ${runDir}/last/state.json ` +
      `records: the file is damaged; the previous checkpoint ${runDir}/last.prev (after epoch 1) ` +
      `is intact: delete ${runDir}/last to resume from it, or rerun with --restart to start the ` +
      `run over`,
  );

  // state.json = {} used to print "is complete (undefined epochs)" then a TypeError.
  await writeFile(join(runDir, "last.prev", "state.json"), "{}");
  await Deno.remove(join(runDir, "last"), { recursive: true });
  const empty = await cmd.output();
  assert.equal(empty.code, 1);
  assert.match(
    text(empty.stderr).trim(),
    /^error: cannot resume: .*last\.prev\/state\.json is not a run state .*; rerun with --restart to start the run over$/,
  );

  const restarted = await trainCommand(runDir, data, join(tmp, "cache"), ["--restart"]).output();
  assert.equal(restarted.code, 0, text(restarted.stderr));
  assert.match(text(restarted.stdout), /restart: removed .*last\.prev/);
  // The same seed retrains the same run.
  assert.equal(await readFile(join(runDir, "history.json"), "utf8") !== "", true);
  const again = JSON.parse(await readFile(join(runDir, "history.json"), "utf8"));
  const before = JSON.parse(history);
  const key = (rows: { epoch: number; loss: number; val_accuracy: number }[]) =>
    rows.map((r) => [r.epoch, r.loss, r.val_accuracy]);
  assert.deepEqual(key(again), key(before));
});

Deno.test("cxr train: a class with no usable images is fatal and leaves no run folder", async () => {
  const tmp = await Deno.makeTempDir({ prefix: "cxr-train-oneclass-" });
  const data = join(tmp, "data");
  await tinyDataset(data, 4);
  for (const f of await readdir(join(data, "PNEUMONIA"))) {
    await Deno.remove(join(data, "PNEUMONIA", f));
  }
  const runDir = join(tmp, "run");
  const r = await trainCommand(runDir, data, join(tmp, "cache")).output();
  assert.equal(r.code, 1);
  assert.equal(
    text(r.stderr).trim().split("\n").at(-1),
    `error: no usable PNEUMONIA images in ${data} (PNEUMONIA/: empty class folder); both ` +
      "classes are needed: expected <root>/{train,val,test}/{NORMAL,PNEUMONIA}/*.jpeg (Kaggle " +
      "layout) or <root>/{NORMAL,PNEUMONIA}/*.jpeg (flat layout)",
  );
  assert.equal(await stat(runDir).then(() => true, () => false), false);
});
