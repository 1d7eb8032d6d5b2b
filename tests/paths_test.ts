import assert from "node:assert/strict";
import { join, resolve } from "node:path";
import {
  cacheDir,
  dataRoot,
  fromWorkspace,
  toWorkspace,
  weightsDir,
  WORKSPACE_ROOT,
} from "../lib/paths.ts";
import { realDataRoot, realWeightsDir } from "./_real_data.ts";

/** Runs `fn` with `CXR_DATA_DIR` set to `value` (unset when undefined), in directory `cwd`. */
function withDataEnv(value: string | undefined, cwd: string, fn: () => void): void {
  const saved = Deno.env.get("CXR_DATA_DIR");
  const savedCwd = Deno.cwd();
  try {
    value === undefined ? Deno.env.delete("CXR_DATA_DIR") : Deno.env.set("CXR_DATA_DIR", value);
    Deno.chdir(cwd);
    fn();
  } finally {
    Deno.chdir(savedCwd);
    saved === undefined ? Deno.env.delete("CXR_DATA_DIR") : Deno.env.set("CXR_DATA_DIR", saved);
  }
}

Deno.test("WORKSPACE_ROOT is the folder holding deno.json", () => {
  assert.ok(Deno.statSync(join(WORKSPACE_ROOT, "deno.json")).isFile);
  assert.equal(fromWorkspace("a/b"), join(WORKSPACE_ROOT, "a/b"));
  assert.equal(fromWorkspace("/x/y"), "/x/y");
  assert.equal(toWorkspace(join(WORKSPACE_ROOT, "..", "shared", "d")), "../shared/d");
  assert.equal(toWorkspace(join(WORKSPACE_ROOT, "outputs")), "outputs");
  assert.equal(toWorkspace(WORKSPACE_ROOT), ".");
  for (const p of ["/x/y", join(WORKSPACE_ROOT, "a/b")]) {
    assert.equal(fromWorkspace(toWorkspace(p)), p);
  }
});

Deno.test("a relative variable counts from the root, a relative flag from the current directory", () => {
  const notebooks = join(WORKSPACE_ROOT, "notebooks");
  withDataEnv("../shared/data", notebooks, () => {
    assert.equal(dataRoot(), resolve(WORKSPACE_ROOT, "../shared/data"));
    assert.equal(dataRoot("here"), join(notebooks, "here"));
  });
  withDataEnv(undefined, notebooks, () => {
    assert.equal(dataRoot(), join(WORKSPACE_ROOT, "data/chest_xray"));
  });
  // An empty variable counts as unset.
  withDataEnv("", notebooks, () => {
    assert.equal(dataRoot(), join(WORKSPACE_ROOT, "data/chest_xray"));
  });
});

Deno.test("every folder has its documented default under the root", () => {
  const saved = ["CXR_WEIGHTS_DIR", "CXR_CACHE_DIR"].map((n) => [n, Deno.env.get(n)] as const);
  try {
    for (const [n] of saved) Deno.env.delete(n);
    assert.equal(weightsDir(), join(WORKSPACE_ROOT, "data/weights/mobilenet_v2_imagenet"));
    assert.equal(cacheDir(), join(WORKSPACE_ROOT, "outputs/cache"));
  } finally {
    for (const [n, v] of saved) if (v !== undefined) Deno.env.set(n, v);
  }
});

Deno.test("tests that read the real data or weights name the variable to set when it is missing", () => {
  const saved = ["CXR_DATA_DIR", "CXR_WEIGHTS_DIR"].map((n) => [n, Deno.env.get(n)] as const);
  const empty = Deno.makeTempDirSync();
  try {
    for (const [n] of saved) Deno.env.delete(n);
    // Neither variable set: the defaults under data/, which a fresh clone does not have.
    assert.throws(realDataRoot, /not at .*data\/chest_xray: set CXR_DATA_DIR/);
    assert.throws(realWeightsDir, /not at .*mobilenet_v2_imagenet: set CXR_WEIGHTS_DIR/);
    Deno.env.set("CXR_DATA_DIR", empty);
    Deno.env.set("CXR_WEIGHTS_DIR", empty);
    assert.throws(realDataRoot, new RegExp(`not at ${empty}: set CXR_DATA_DIR`));
    assert.throws(realWeightsDir, new RegExp(`not at ${empty}: set CXR_WEIGHTS_DIR`));
    Deno.mkdirSync(join(empty, "train"));
    Deno.writeTextFileSync(join(empty, "weights.json"), "{}");
    assert.equal(realDataRoot(), empty);
    assert.equal(realWeightsDir(), empty);
  } finally {
    for (const [n, v] of saved) v === undefined ? Deno.env.delete(n) : Deno.env.set(n, v);
    Deno.removeSync(empty, { recursive: true });
  }
});
