import assert from "node:assert/strict";
import { join } from "node:path";
import {
  ADAPTER_STEP,
  BUNDLE_DIR,
  BUNDLE_STEPS,
  bundleImportMap,
  DEFAULT_OUT,
  GpuBundleError,
  RAISED_SUBMIT_BATCH,
  RUN_BUDGET_S,
  runScript,
  SETUP_BUDGET_S,
  shellQuote,
} from "../../tools/gpu_bundle/build.ts";
import sharpStub from "../../tools/gpu_bundle/_sharp_stub.ts";
import { CxrError } from "../../lib/errors.ts";

async function bash(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const o = await new Deno.Command("bash", { args, stdout: "piped", stderr: "piped" }).output();
  const d = new TextDecoder();
  return { code: o.code, out: d.decode(o.stdout), err: d.decode(o.stderr) };
}

Deno.test("the step budgets add up to the run's own time limit", () => {
  // run.sh stops itself within 8 minutes: setup plus every step's budget must fit.
  const steps = BUNDLE_STEPS.reduce((a, s) => a + s.budgetS, 0);
  assert.ok(SETUP_BUDGET_S + steps <= RUN_BUDGET_S, `${SETUP_BUDGET_S} + ${steps} s`);
  assert.ok(RUN_BUDGET_S <= 8 * 60);
  assert.ok(BUNDLE_STEPS.every((s) => s.budgetS >= 10));
});

Deno.test("run.sh is valid bash and holds every required step", async () => {
  const script = runScript();
  assert.match(script, /^#!\/usr\/bin\/env bash\n/);
  const file = await Deno.makeTempFile({ suffix: ".sh" });
  try {
    await Deno.writeTextFile(file, script);
    const r = await bash(["-n", file]);
    assert.equal(r.code, 0, r.err);
  } finally {
    await Deno.remove(file);
  }
  for (
    const needle of [
      'dpkg -x "$f" "$GL_ROOT"',
      "ldconfig",
      "/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json",
      'chmod 700 "$XDG_RUNTIME_DIR"',
      "export XDG_RUNTIME_DIR",
      "nvidia-smi -L",
      'tee "$OUT/gpu-bench.log"',
      '"$K/adapter.js"',
      "--rows inference,stage1,stage2",
      '--batch "$FULL_BATCH" ',
      "--rows full",
      `WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE=${RAISED_SUBMIT_BATCH}`,
      'if [ "$BACKEND" != webgpu ]; then echo "skipped: webgpu only"; exit 0; fi;',
      "SIZE=224 BATCH=32 FULL_BATCH=8 REPEATS=5",
      "SIZE=64 BATCH=2 FULL_BATCH=2 REPEATS=1",
      'OUT="${OUT:-/tmp/gpu-bench-dry-run}"',
      `OUT="\${OUT:-$PWD/${DEFAULT_OUT}}"`,
      "timeout -k 10",
      `BUDGET_S=${RUN_BUDGET_S}`,
      'exit "${PIPESTATUS[0]}"',
      `bash ${BUNDLE_DIR}/run.sh`,
      '"device":"cuda"',
      '"$OUT/torch-cuda-inference-stage1-stage2.json"',
      '"$OUT/torch-cuda-full.json"',
    ]
  ) assert.ok(script.includes(needle), needle);
  // The prepare row needs the dataset and sharp, neither of which the bundle carries.
  assert.ok(!/--rows [a-z,]*prepare/.test(script));
  // Every step appears once, in order.
  let at = 0;
  for (const s of BUNDLE_STEPS) {
    const i = script.indexOf(`step ${shellQuote(s.name)} ${s.budgetS} `, at);
    assert.ok(i > at, s.name);
    at = i;
  }
  assert.ok(BUNDLE_STEPS.some((s) => s.name === ADAPTER_STEP));
});

Deno.test("run.sh picks ./gpu-bench-results without OUT and stops when files are missing", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "run.sh"), runScript());
    const r = await bash(["-c", `cd ${dir} && env -u OUT -u BUNDLE_DRY_RUN bash run.sh`]);
    assert.equal(r.code, 2);
    assert.match(r.err, new RegExp(`${dir}/deno\\.xz is missing; copy the whole \\${BUNDLE_DIR}`));
    assert.ok((await Deno.stat(join(dir, DEFAULT_OUT))).isDirectory);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("shellQuote survives bash, quotes included", async () => {
  const s = `a 'b' "c" $HOME \\n`;
  const r = await bash(["-c", `printf %s ${shellQuote(s)}`]);
  assert.equal(r.out, s);
});

Deno.test("bundleImportMap swaps in the stand-ins and scopes the real wasm package", () => {
  const base = new URL("file:///ws/tools/gpu_bundle/");
  const map = bundleImportMap({
    "@tensorflow/tfjs": "npm:@tensorflow/tfjs@4.22.0",
    "@tensorflow/tfjs-backend-wasm": "npm:@tensorflow/tfjs-backend-wasm@4.22.0",
    sharp: "npm:sharp@0.35.5",
  }, base);
  assert.equal(map.imports["@tensorflow/tfjs"], "npm:@tensorflow/tfjs@4.22.0");
  assert.equal(map.imports.sharp, "file:///ws/tools/gpu_bundle/_sharp_stub.ts");
  const shim = "file:///ws/tools/gpu_bundle/_wasm_paths.ts";
  assert.equal(map.imports["@tensorflow/tfjs-backend-wasm"], shim);
  assert.deepEqual(map.scopes, {
    [shim]: { "@tensorflow/tfjs-backend-wasm": "npm:@tensorflow/tfjs-backend-wasm@4.22.0" },
  });
  assert.throws(
    () => bundleImportMap({ sharp: "npm:sharp@0.35.5" }, base),
    (e) => e instanceof GpuBundleError && e.file === "deno.json",
  );
});

Deno.test("the sharp stand-in says why it cannot decode", () => {
  assert.throws(
    () => (sharpStub as () => never)(),
    (e) =>
      e instanceof CxrError && /GPU bundle/.test(e.message) && /--rows prepare/.test(e.message),
  );
});
