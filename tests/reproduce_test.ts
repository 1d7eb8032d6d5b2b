// Runs `lib/reproduce.ts` as a subprocess on small notebooks (starts Deno's real kernel).
import assert from "node:assert/strict";
import { join } from "node:path";
import { codeCell, markdownCell, newNotebook, writeNotebook } from "../lib/jupyter/nbformat.ts";
import { listNotebooks } from "../lib/reproduce.ts";
import { WORKSPACE_ROOT } from "../lib/paths.ts";

async function reproduce(
  args: string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(WORKSPACE_ROOT, "lib/reproduce.ts"), ...args],
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
        join(WORKSPACE_ROOT, "lib/reproduce.ts"),
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
