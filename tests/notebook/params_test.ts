import assert from "node:assert/strict";
import { join } from "node:path";
import {
  notebookParams,
  PARAM_ENV,
  PARAMS_FILE_ENV,
  paramsEnv,
} from "../../lib/notebook/params.ts";
import { WORKSPACE_ROOT } from "../../lib/paths.ts";

const NAMES = [...Object.values(PARAM_ENV), PARAMS_FILE_ENV];

/** Runs `fn` with exactly `env` set among the parameter variables, then restores them. */
async function withEnv(env: Record<string, string>, fn: () => void | Promise<void>): Promise<void> {
  const saved = Object.fromEntries(NAMES.map((n) => [n, Deno.env.get(n)]));
  try {
    for (const n of NAMES) Deno.env.delete(n);
    for (const [k, v] of Object.entries(env)) Deno.env.set(k, v);
    await fn();
  } finally {
    for (const [n, v] of Object.entries(saved)) {
      v === undefined ? Deno.env.delete(n) : Deno.env.set(n, v);
    }
  }
}

Deno.test("defaults suit interactive use: quick profile, paper split, seed 42", async () => {
  await withEnv({}, () => {
    assert.deepEqual(notebookParams(), {
      profile: "quick",
      split: "paper",
      seeds: [42],
      dataDir: join(WORKSPACE_ROOT, "data/chest_xray"),
      weightsDir: join(WORKSPACE_ROOT, "data/weights/mobilenet_v2_imagenet"),
      outputsDir: join(WORKSPACE_ROOT, "outputs"),
      runDir: join(WORKSPACE_ROOT, "outputs/runs/quick"),
    });
    assert.equal(notebookParams({ split: "patient", seeds: [1] }).split, "patient");
  });
});

Deno.test("environment beats the params file, which beats notebook defaults", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const file = join(dir, "params.json");
    await Deno.writeTextFile(
      file,
      JSON.stringify({ profile: "full", split: "official", seeds: [1, 2], runDir: "/r" }),
    );
    await withEnv({ [PARAMS_FILE_ENV]: file, CXR_SPLIT: "patient", CXR_OUTPUTS_DIR: "/o" }, () => {
      const p = notebookParams({ split: "paper", seeds: [9] });
      assert.deepEqual([p.profile, p.split, p.seeds, p.runDir, p.outputsDir], [
        "full",
        "patient",
        [1, 2],
        "/r",
        "/o",
      ]);
    });
    await Deno.writeTextFile(file, JSON.stringify({ profil: "full" }));
    await withEnv({ [PARAMS_FILE_ENV]: file }, () => {
      assert.throws(() => notebookParams(), /unknown key\(s\) profil/);
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("relative folders count from the workspace root, whatever the current directory", async () => {
  const dir = await Deno.makeTempDir();
  const cwd = Deno.cwd();
  try {
    await Deno.writeTextFile(join(dir, "params.json"), JSON.stringify({ weightsDir: "w" }));
    Deno.chdir(dir); // as a kernel started in notebooks/ would be
    await withEnv({
      CXR_DATA_DIR: "../d",
      CXR_RUN_DIR: "r",
      [PARAMS_FILE_ENV]: join(dir, "params.json"),
    }, () => {
      const p = notebookParams();
      assert.equal(p.dataDir, join(WORKSPACE_ROOT, "..", "d"));
      assert.equal(p.runDir, join(WORKSPACE_ROOT, "r"));
      assert.equal(p.weightsDir, join(WORKSPACE_ROOT, "w"));
      assert.equal(notebookParams({ outputsDir: "o" }).outputsDir, join(WORKSPACE_ROOT, "o"));
    });
    await withEnv({ CXR_DATA_DIR: "/abs/d" }, () => {
      assert.equal(notebookParams().dataDir, "/abs/d");
    });
  } finally {
    Deno.chdir(cwd);
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("bad values name the variable and the allowed values", async () => {
  await withEnv({ CXR_PROFILE: "medium" }, () => {
    assert.throws(
      () => notebookParams(),
      /CXR_PROFILE='medium' is not a valid profile; use one of: quick, fast, full/,
    );
  });
  await withEnv({ CXR_SEEDS: "1,x" }, () => {
    assert.throws(() => notebookParams(), /CXR_SEEDS='1,x' must be comma-separated integers/);
  });
  await withEnv({ CXR_SEEDS: " 7, 8 ", CXR_PROFILE: "full" }, () => {
    assert.deepEqual(notebookParams().seeds, [7, 8]);
    assert.equal(notebookParams().runDir, join(WORKSPACE_ROOT, "outputs/runs/full"));
  });
});

Deno.test("paramsEnv round-trips through notebookParams", async () => {
  const env = paramsEnv({ profile: "full", seeds: [3, 4], split: "official", runDir: "/tmp/run" });
  assert.deepEqual(env, {
    CXR_PROFILE: "full",
    CXR_SEEDS: "3,4",
    CXR_SPLIT: "official",
    CXR_RUN_DIR: "/tmp/run",
  });
  await withEnv(env, () => {
    const p = notebookParams();
    assert.deepEqual([p.profile, p.seeds, p.split, p.runDir], [
      "full",
      [3, 4],
      "official",
      "/tmp/run",
    ]);
  });
});
