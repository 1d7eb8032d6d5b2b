import assert from "node:assert/strict";
import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { crc32, unzip } from "../../lib/data/_zip.ts";
import { CxrError } from "../../lib/errors.ts";
import { tempDir } from "./_fixtures.ts";
import { makeZip } from "./_server.ts";

Deno.test("crc32 matches the standard check value", () => {
  assert.equal(crc32(new TextEncoder().encode("123456789")), 0xcbf43926);
});

Deno.test("unzip writes stored and deflated entries, skips __MACOSX and folders", async () => {
  const big = new Uint8Array(50_000).map((_, i) => i % 7);
  for (const stored of [false, true]) {
    const dir = await tempDir();
    await writeFile(
      join(dir, "a.zip"),
      makeZip({ "x/": "", "x/big.bin": big, "x/y/t.txt": "hi", "__MACOSX/x/._t": "junk" }, stored),
    );
    let calls = 0;
    assert.equal(await unzip(join(dir, "a.zip"), join(dir, "out"), () => calls++), 2);
    assert.equal(calls, 2);
    assert.deepEqual(new Uint8Array(await readFile(join(dir, "out/x/big.bin"))), big);
    assert.equal(await readFile(join(dir, "out/x/y/t.txt"), "utf8"), "hi");
    await assert.rejects(stat(join(dir, "out/__MACOSX")));
  }
});

Deno.test("unzip refuses path traversal, corrupt data and non-zip files", async () => {
  const dir = await tempDir();
  await writeFile(join(dir, "evil.zip"), makeZip({ "../evil.txt": "x" }));
  await assert.rejects(
    unzip(join(dir, "evil.zip"), join(dir, "o1")),
    (e) => e instanceof CxrError && /outside the target/.test(e.message),
  );
  const zip = makeZip({ "a.txt": "hello hello hello" }, true);
  zip[30 + 5] ^= 0xff; // flip a byte of the stored data
  await writeFile(join(dir, "bad.zip"), zip);
  await assert.rejects(unzip(join(dir, "bad.zip"), join(dir, "o2")), /CRC or size mismatch/);
  await writeFile(join(dir, "text.zip"), "not a zip");
  await assert.rejects(
    unzip(join(dir, "text.zip"), join(dir, "o3")),
    /no end-of-central-directory/,
  );
});
