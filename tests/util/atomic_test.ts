import assert from "node:assert/strict";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { writeFileAtomic, writeJsonAtomic } from "../../lib/util/atomic.ts";

Deno.test("writeFileAtomic replaces the file and leaves no temp file", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "sub", "a.json");
  await writeJsonAtomic(path, { a: 1 });
  await writeFileAtomic(path, "second");
  assert.equal(await readFile(path, "utf8"), "second");
  assert.deepEqual(await readdir(join(dir, "sub")), ["a.json"]);
  await Deno.remove(dir, { recursive: true });
});
