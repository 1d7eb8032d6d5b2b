import assert from "node:assert/strict";
import { main } from "../../lib/cli/weights.ts";
import { CxrError } from "../../lib/errors.ts";
import { captureLog as capture } from "./_capture.ts";
import { realWeightsDir } from "../_real_data.ts";

Deno.test("cxr weights verify prints the top-5 table and passes on the shared weights", async () => {
  const out = await capture(() => main(["verify", "--weights", realWeightsDir()]));
  assert.match(out, /^chelsea +tiger cat 0\.548, Egyptian cat 0\.295, tabby 0\.146/m);
  assert.match(out, /^grace_hopper +military uniform 0\.671/m);
  assert.equal(out.match(/ OK$/gm)?.length, 4);
  assert.match(out, /all 4 photos match/);
});

Deno.test("cxr weights: clear errors for a folder without weights and an unknown command", async () => {
  const dir = await Deno.makeTempDir();
  await assert.rejects(
    main(["verify", "--weights", dir]),
    (err: Error) => err instanceof CxrError && /weights\.json does not exist/.test(err.message),
  );
  await assert.rejects(main(["download"]), /unknown weights command 'download'/);
  await Deno.remove(dir, { recursive: true });
});
