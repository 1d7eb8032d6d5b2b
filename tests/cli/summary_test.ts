import assert from "node:assert/strict";
import { main } from "../../lib/cli/summary.ts";
import { CxrError } from "../../lib/errors.ts";
import { captureLog as capture } from "./_capture.ts";

Deno.test("cxr summary prints the parameter counts", async () => {
  const mobilenet = await capture(() => main(["--model", "mobilenetv2"]));
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
