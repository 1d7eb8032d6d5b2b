import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { DENO_KERNELSPEC } from "../../lib/jupyter/nbformat.ts";
import { WORKSPACE_ROOT } from "../../lib/paths.ts";

Deno.test("the project-local kernelspec starts the kernel the runner uses, under the notebooks' name", async () => {
  const dir = join(WORKSPACE_ROOT, "jupyter/kernels", DENO_KERNELSPEC.name);
  const spec = JSON.parse(await readFile(join(dir, "kernel.json"), "utf8"));
  assert.deepEqual(spec, {
    argv: ["deno", "jupyter", "--kernel", "--conn", "{connection_file}"],
    display_name: DENO_KERNELSPEC.display_name,
    language: DENO_KERNELSPEC.language,
  });
});
