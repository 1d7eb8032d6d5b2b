import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { download } from "../../lib/data/mod.ts";
import { CxrError } from "../../lib/errors.ts";
import { tempDir } from "./_fixtures.ts";
import { serve } from "./_server.ts";

const body = Uint8Array.from({ length: 200_000 }, (_, i) => (i * 31 + (i >> 8)) & 255);
const sha = createHash("sha256").update(body).digest("hex");
const exists = (p: string) => stat(p).then(() => true, () => false);

Deno.test("download resumes an interrupted transfer with a Range request and verifies it", async () => {
  const server = serve({ "/a.zip": { body, cutAfter: 70_000 } });
  try {
    const dest = join(await tempDir(), "dl", "a.zip");
    const opts = { url: server.url("/a.zip"), dest, sha256: sha, progress: false };
    await assert.rejects(
      download(opts),
      (e) =>
        e instanceof CxrError && /interrupted after \d+ bytes.*rerun to resume/.test(e.message),
    );
    const partial = (await stat(`${dest}.part`)).size;
    assert.ok(partial > 0 && partial < body.length, `partial ${partial}`);
    assert.equal(await exists(dest), false);
    const got = await download(opts);
    assert.deepEqual(got, { path: dest, size: body.length, sha256: sha, resumedFrom: partial });
    assert.deepEqual(server.requests.map((r) => r.range), [null, `bytes=${partial}-`]);
    assert.deepEqual(new Uint8Array(await readFile(dest)), body);
    assert.equal(await exists(`${dest}.part`), false);
    // A verified file already in place is kept without a request.
    await download(opts);
    assert.equal(server.requests.length, 2);
  } finally {
    await server.close();
  }
});

Deno.test("download: a checksum mismatch deletes the file; a server ignoring Range restarts cleanly", async () => {
  const server = serve({ "/b.zip": { body, ignoreRange: true }, "/c.zip": { body } });
  try {
    const dir = await tempDir();
    const bad = "0".repeat(64);
    await assert.rejects(
      download({
        url: server.url("/c.zip"),
        dest: join(dir, "c.zip"),
        sha256: bad,
        progress: false,
      }),
      (e) => e instanceof CxrError && e.message.includes(`expected sha256 ${bad}, got ${sha}`),
    );
    assert.equal(await exists(join(dir, "c.zip.part")), false);
    assert.equal(await exists(join(dir, "c.zip")), false);

    await writeFile(join(dir, "b.zip.part"), body.subarray(0, 1000).map((x) => 255 - x)); // stale junk
    const got = await download({
      url: server.url("/b.zip"),
      dest: join(dir, "b.zip"),
      sha256: sha,
      progress: false,
    });
    assert.equal(got.resumedFrom, 0);
    assert.equal(got.sha256, sha);

    await assert.rejects(
      download({ url: server.url("/nope.zip"), dest: join(dir, "n.zip"), progress: false }),
      (e) => e instanceof CxrError && /HTTP 404/.test(e.message),
    );
    await assert.rejects(
      download({ url: server.url("/c.zip"), dest: join(dir, "s.zip"), size: 5, progress: false }),
      (e) => e instanceof CxrError && /has 200000 bytes, expected 5/.test(e.message),
    );
  } finally {
    await server.close();
  }
});
