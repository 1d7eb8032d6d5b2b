// Runs `lib/cli/reproduce.ts` as a subprocess on small notebooks (starts Deno's real kernel).
import assert from "node:assert/strict";
import { join } from "node:path";
import { codeCell, markdownCell, newNotebook, writeNotebook } from "../../lib/jupyter/nbformat.ts";
import { listNotebooks } from "../../lib/cli/reproduce.ts";
import { WORKSPACE_ROOT } from "../../lib/paths.ts";

async function reproduce(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    // --no-sweep: these tests are about running notebooks, not training the report's runs.
    args: ["run", "-A", join(WORKSPACE_ROOT, "lib/cli/reproduce.ts"), "--no-sweep", ...args],
    // An empty CXR_PROFILE counts as unset, so the default profile is tested whatever CI sets.
    env: { NO_COLOR: "1", CXR_PROFILE: "" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("reproduce runs notebooks in name order, passes the profile, and stops at a failing cell", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cxr-repro-" });
  try {
    await writeNotebook(
      join(dir, "02_fails.ipynb"),
      newNotebook([
        markdownCell("# two"),
        codeCell('console.log("profile", Deno.env.get("CXR_PROFILE"), Deno.env.get("CXR_SEEDS"))'),
        codeCell('throw new RangeError("bad split")'),
      ]),
    );
    await writeNotebook(join(dir, "01_ok.ipynb"), newNotebook([codeCell('console.log("first")')]));
    await writeNotebook(
      join(dir, "03_never.ipynb"),
      newNotebook([codeCell('console.log("third")')]),
    );
    assert.deepEqual((await listNotebooks(dir, "01,03")).map((p) => p.slice(dir.length + 1)), [
      "01_ok.ipynb",
      "03_never.ipynb",
    ]);

    const r = await reproduce(["--profile", "quick", "--seeds", "1,2", "--notebooks", dir]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stderr, /error: .*02_fails\.ipynb cell 3 failed: RangeError: bad split/);
    assert.ok(r.stdout.indexOf("| first") < r.stdout.indexOf("| profile quick 1,2"), r.stdout);
    assert.ok(!r.stdout.includes("03_never"), r.stdout);
    // One count of cells: position among all cells, markdown included.
    assert.match(r.stdout, /01_ok\.ipynb, 1 cell \(1 with code run\)/);
    assert.match(r.stdout, /cell 2\/3: console\.log[\s\S]*cell 3\/3: throw/);

    const only = await reproduce(["--only", "03", "--notebooks", dir]);
    assert.equal(only.code, 0, only.stdout + only.stderr);
    assert.match(
      only.stdout,
      /profile full, 1 notebook\(s\)[\s\S]*\| third\n[\s\S]*1 notebook\(s\) ok/,
    );

    const none = await reproduce(["--only", "9", "--notebooks", dir]);
    assert.equal(none.code, 2);
    assert.match(
      none.stderr,
      /--only 9 matches no notebook .*have: 01_ok\.ipynb, 02_fails\.ipynb, 03_never\.ipynb/,
    );
    const bad = await reproduce(["--profile", "medium", "--notebooks", dir]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--profile must be one of quick, fast, full, not 'medium'/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("reproduce --out stores executed copies elsewhere and leaves the sources untouched", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cxr-repro-out-" });
  try {
    const source = join(dir, "01_ok.ipynb");
    await writeNotebook(source, newNotebook([codeCell('console.log("hello")')]));
    const before = await Deno.readTextFile(source);
    const out = join(dir, "executed");
    const r = await reproduce(["--profile", "quick", "--notebooks", dir, "--out", out]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.equal(await Deno.readTextFile(source), before);
    const executed = JSON.parse(await Deno.readTextFile(join(out, "01_ok.ipynb")));
    assert.deepEqual(executed.cells[0].outputs[0].text, ["hello\n"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("reproduce hands the kernel absolute folders: variables from the root, flags from cwd", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cxr-repro-rel-" });
  try {
    await writeNotebook(
      join(dir, "01_env.ipynb"),
      newNotebook([
        codeCell(
          'console.log("data=" + Deno.env.get("CXR_DATA_DIR"));\n' +
            'console.log("run=" + Deno.env.get("CXR_RUN_DIR"))',
        ),
      ]),
    );
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        join(WORKSPACE_ROOT, "lib/cli/reproduce.ts"),
        "--no-sweep",
        "--notebooks",
        dir,
        "--profile",
        "quick",
        "--run-dir",
        "my-runs",
        "--out",
        join(dir, "x"),
      ],
      cwd: dir,
      env: { NO_COLOR: "1", CXR_DATA_DIR: "some/data" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(out.stdout);
    assert.equal(out.code, 0, stdout);
    assert.match(stdout, new RegExp(`data=${join(WORKSPACE_ROOT, "some/data")}\n`));
    const real = await Deno.realPath(dir);
    assert.match(stdout, new RegExp(`run=(${join(real, "my-runs")}|${join(dir, "my-runs")})\n`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("reproduce replaces a notebook only when all its cells succeed", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cxr-repro-atomic-" });
  try {
    const nbs = join(dir, "notebooks");
    await writeNotebook(join(nbs, "01_ok.ipynb"), newNotebook([codeCell('console.log("one")')]));
    await writeNotebook(
      join(nbs, "02_fails.ipynb"),
      newNotebook([codeCell('console.log("two")'), codeCell('throw new Error("midway")')]),
    );
    const failing = await Deno.readTextFile(join(nbs, "02_fails.ipynb"));
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        join(WORKSPACE_ROOT, "lib/cli/reproduce.ts"),
        "--no-sweep",
        "--profile",
        "quick",
        "--notebooks",
        nbs,
      ],
      env: { NO_COLOR: "1", CXR_OUTPUTS_DIR: join(dir, "outputs") },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stderr = new TextDecoder().decode(out.stderr);
    assert.equal(out.code, 1, stderr);
    const ok = JSON.parse(await Deno.readTextFile(join(nbs, "01_ok.ipynb")));
    assert.deepEqual(ok.cells[0].outputs[0].text, ["one\n"]);
    // The failed notebook is as it was; its partial outputs are in the work copy.
    assert.equal(await Deno.readTextFile(join(nbs, "02_fails.ipynb")), failing);
    const work = join(dir, "outputs", "tmp", "reproduce", "notebooks", "02_fails.ipynb");
    assert.match(
      stderr,
      /02_fails\.ipynb cell 2 failed: Error: midway \(its outputs are in .*02_fails\.ipynb; .*02_fails\.ipynb is unchanged\)/,
    );
    const partial = JSON.parse(await Deno.readTextFile(work));
    assert.deepEqual(partial.cells[0].outputs[0].text, ["two\n"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("reproduce --plan lists the report's runs, which are finished, and the estimated time", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cxr-repro-plan-" });
  try {
    const runs = join(dir, "runs", "full");
    const done = join(runs, "paper", "mobilenetv2-seed42");
    const rows = (stages: number[], seconds: number[]) =>
      stages.map((stage, i) => ({ epoch: i + 1, stage, seconds: seconds[i], val_accuracy: 0.9 }));
    await Deno.mkdir(join(done, "eval-test"), { recursive: true });
    await Deno.writeTextFile(
      join(done, "history.json"),
      JSON.stringify(rows([1, 1, 2, 2], [90, 110, 150, 250])),
    );
    await Deno.writeTextFile(
      join(done, "eval-test", "metrics.json"),
      JSON.stringify({ accuracy: 0.95 }),
    );
    await Deno.writeTextFile(join(done, "eval-test", "report.md"), "# Evaluation\n");
    const begun = join(runs, "official", "mobilenetv2-seed43");
    await Deno.mkdir(begun, { recursive: true });
    await Deno.writeTextFile(join(begun, "history.json"), JSON.stringify(rows([1, 1], [100, 100])));
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        join(WORKSPACE_ROOT, "lib/cli/reproduce.ts"),
        "--plan",
        "--profile",
        "full",
        "--run-dir",
        runs,
      ],
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(out.stdout);
    assert.equal(out.code, 0, stdout + new TextDecoder().decode(out.stderr));
    const lines = stdout.split("\n");
    assert.match(lines[1], /^plan: 16 run\(s\), profile full, in /);
    assert.match(
      stdout,
      /paper\/mobilenetv2-seed42 +finished, test accuracy 0\.9500 \(shown from its files\)/,
    );
    assert.match(stdout, /official\/mobilenetv2-seed43 +resumes after epoch 2 of at most 15/);
    assert.match(stdout, /patient-person\/mobilenetv2-seed44 +to train: at most 15 epochs/);
    assert.match(stdout, /patient-person\/baseline-seed42 +to train: at most 5 epochs/);
    // Lower quartiles (nearest rank) over both runs: stage 1 of 90, 100, 100, 110 s is 90 s;
    // stage 2 of 150, 250 s is 150 s. Left: 120 s start-up per run + begun 3x90+10x150,
    // 11 new MobileNetV2 x (5x90+10x150), 3 baselines x 5x300 (assumed):
    // 1,890 + 22,770 + 4,860 = 29,520 s = 8 h 12 min.
    assert.match(
      stdout,
      /1 of 16 finished; estimated time to train the rest: about 8 h 12 min with 1 job/,
    );
    assert.match(
      stdout,
      /mobilenetv2: stage 1 90 s\/epoch \(lower quartile of measured epochs\), stage 2 150 s\/epoch \(lower quartile of measured epochs\); baseline: stage 1 300 s\/epoch \(assumed for full\)/,
    );
    // Only the plan: nothing was recorded or trained.
    await assert.rejects(() => Deno.stat(join(runs, "sweep.json")));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
