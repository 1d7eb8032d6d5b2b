import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { exists } from "../../lib/util/fs.ts";

Deno.test("exists: true for a file and a folder, false for a missing path", async () => {
  const dir = await mkdtemp(join(tmpdir(), "cxr-fs-"));
  try {
    await writeFile(join(dir, "a.txt"), "x");
    assert.equal(await exists(join(dir, "a.txt")), true);
    assert.equal(await exists(dir), true);
    assert.equal(await exists(join(dir, "missing")), false);
  } finally {
    await rm(dir, { recursive: true });
  }
});
