import assert from "node:assert/strict";
import { main } from "../../lib/cli/summary.ts";
import { CxrError } from "../../lib/errors.ts";
import { captureLog as capture } from "./_capture.ts";

Deno.test("cxr summary prints the parameter counts, and no tfjs banner", async () => {
  const warn = console.warn;
  const warned: string[] = [];
  console.warn = (...a: unknown[]) => void warned.push(a.join(" "));
  let mobilenet: string;
  try {
    mobilenet = await capture(() => main(["--model", "mobilenetv2"]));
  } finally {
    console.warn = warn;
  }
  assert.ok(!warned.join("\n").includes("TensorFlow.js in Node.js"), warned.join("\n"));
  assert.match(mobilenet, /Total params: 2,260,546/);
  assert.match(mobilenet, /block_16_project_BN \(BatchNormalization\)/);
  const baseline = await capture(() => main(["--model", "baseline", "--size", "64"]));
  assert.match(baseline, /Total params: 423,010/);
  assert.match(baseline, /input 64x64x3/);
});

Deno.test("cxr summary rejects an unknown model or size", async () => {
  await assert.rejects(main(["--model", "resnet"]), CxrError);
  await assert.rejects(main(["--model", "baseline", "--size", "abc"]), /--size must be an integer/);
});
