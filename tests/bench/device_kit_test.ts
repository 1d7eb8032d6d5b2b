import assert from "node:assert/strict";
import { join } from "node:path";
import {
  ADAPTER_STEP,
  DEVICE_CALL,
  DEVICE_COMMAND_LIMIT,
  DeviceKitError,
  KIT_DIR,
  KIT_STEPS,
  kitImportMap,
  RAISED_SUBMIT_BATCH,
  RUN_BUDGET_S,
  runScript,
  SETUP_BUDGET_S,
  shellQuote,
} from "../../lib/bench/device_kit.ts";
import sharpStub from "../../lib/bench/_kit_sharp_stub.ts";
import { CxrError } from "../../lib/errors.ts";

async function bash(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const o = await new Deno.Command("bash", { args, stdout: "piped", stderr: "piped" }).output();
  const d = new TextDecoder();
  return { code: o.code, out: d.decode(o.stdout), err: d.decode(o.stderr) };
}

Deno.test("the device call fits the device tool: command length, carry, time", () => {
  assert.ok(DEVICE_CALL.command.length <= DEVICE_COMMAND_LIMIT);
  assert.equal(DEVICE_CALL.command, `bash ${KIT_DIR}/run.sh`);
  assert.deepEqual([...DEVICE_CALL.carry], [KIT_DIR]);
  assert.ok(DEVICE_CALL.timeout_s <= 600);
  // run.sh stops itself well inside 9 minutes, leaving the tool time to bring the files back.
  const steps = KIT_STEPS.reduce((a, s) => a + s.budgetS, 0);
  assert.ok(SETUP_BUDGET_S + steps <= RUN_BUDGET_S, `${SETUP_BUDGET_S} + ${steps} s`);
  assert.ok(RUN_BUDGET_S <= 9 * 60 - 60);
  assert.ok(KIT_STEPS.every((s) => s.budgetS >= 10));
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
      'tee "$OUT/device-run.log"',
      '"$K/adapter.js"',
      "--rows inference,stage1,stage2",
      '--batch "$FULL_BATCH" ',
      "--rows full",
      `WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE=${RAISED_SUBMIT_BATCH}`,
      "SIZE=224 BATCH=32 FULL_BATCH=8 REPEATS=5",
      "SIZE=64 BATCH=2 FULL_BATCH=2 REPEATS=1",
      'OUT="${OUT:-/tmp/kitout}"',
      "timeout -k 10",
      `BUDGET_S=${RUN_BUDGET_S}`,
      'exit "${PIPESTATUS[0]}"',
      '"device":"cuda"',
      '"$OUT/torch-cuda-inference-stage1-stage2.json"',
      '"$OUT/torch-cuda-full.json"',
    ]
  ) assert.ok(script.includes(needle), needle);
  // The prepare row needs the dataset and sharp, neither of which the kit carries.
  assert.ok(!/--rows [a-z,]*prepare/.test(script));
  // Every step appears once, in order.
  let at = 0;
  for (const s of KIT_STEPS) {
    const i = script.indexOf(`step ${shellQuote(s.name)} ${s.budgetS} `, at);
    assert.ok(i > at, s.name);
    at = i;
  }
  assert.ok(KIT_STEPS.some((s) => s.name === ADAPTER_STEP));
});

Deno.test("run.sh refuses to run on the device without OUT", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(join(dir, "run.sh"), runScript());
    const r = await bash(["-c", `env -u OUT -u KIT_DRY_RUN bash ${join(dir, "run.sh")}`]);
    assert.equal(r.code, 2);
    assert.match(r.err, /OUT is not set/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("shellQuote survives bash, quotes included", async () => {
  const s = `a 'b' "c" $HOME \\n`;
  const r = await bash(["-c", `printf %s ${shellQuote(s)}`]);
  assert.equal(r.out, s);
});

Deno.test("kitImportMap swaps in the stand-ins and scopes the real wasm package", () => {
  const base = new URL("file:///ws/lib/bench/");
  const map = kitImportMap({
    "@tensorflow/tfjs": "npm:@tensorflow/tfjs@4.22.0",
    "@tensorflow/tfjs-backend-wasm": "npm:@tensorflow/tfjs-backend-wasm@4.22.0",
    sharp: "npm:sharp@0.35.5",
  }, base);
  assert.equal(map.imports["@tensorflow/tfjs"], "npm:@tensorflow/tfjs@4.22.0");
  assert.equal(map.imports.sharp, "file:///ws/lib/bench/_kit_sharp_stub.ts");
  const shim = "file:///ws/lib/bench/_kit_wasm_paths.ts";
  assert.equal(map.imports["@tensorflow/tfjs-backend-wasm"], shim);
  assert.deepEqual(map.scopes, {
    [shim]: { "@tensorflow/tfjs-backend-wasm": "npm:@tensorflow/tfjs-backend-wasm@4.22.0" },
  });
  assert.throws(
    () => kitImportMap({ sharp: "npm:sharp@0.35.5" }, base),
    (e) => e instanceof DeviceKitError && e.file === "deno.json",
  );
});

Deno.test("the sharp stand-in says why it cannot decode", () => {
  assert.throws(
    () => (sharpStub as () => never)(),
    (e) =>
      e instanceof CxrError && /device kit/.test(e.message) && /--rows prepare/.test(e.message),
  );
});
