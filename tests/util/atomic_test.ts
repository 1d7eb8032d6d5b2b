import assert from "node:assert/strict";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { replaceDir, resolveDir, writeFileAtomic, writeJsonAtomic } from "../../lib/util/atomic.ts";

Deno.test("writeFileAtomic replaces the file and leaves no temp file", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "sub", "a.json");
  await writeJsonAtomic(path, { a: 1 });
  await writeFileAtomic(path, "second");
  assert.equal(await readFile(path, "utf8"), "second");
  assert.deepEqual(await readdir(join(dir, "sub")), ["a.json"]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("replaceDir swaps whole folders; a crash leftover .old is found", async () => {
  const root = await Deno.makeTempDir();
  const dir = join(root, "best");
  await replaceDir(dir, (tmp) => writeFile(join(tmp, "a.txt"), "1"));
  await replaceDir(dir, (tmp) => writeFile(join(tmp, "b.txt"), "2"));
  assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["b.txt"]);
  assert.deepEqual([...Deno.readDirSync(root)].map((e) => e.name), ["best"]);
  // A kill between the two renames leaves only best.old.
  const other = join(root, "last");
  await mkdir(`${other}.old`);
  assert.equal(await resolveDir(other), `${other}.old`);
  assert.equal(await resolveDir(join(root, "none")), null);
  await Deno.remove(root, { recursive: true });
});
