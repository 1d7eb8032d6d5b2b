import assert from "node:assert/strict";
import {
  diskErrorCode,
  diskErrorMessage,
  noteTarget,
  writingTo,
} from "../../lib/util/disk_error.ts";

const fsError = (code: string, extra: Record<string, string> = {}) =>
  Object.assign(new Error(`${code}: something`), { code, ...extra });

Deno.test("diskErrorMessage: one line per code naming the path and the fix; others are not disk errors", () => {
  assert.equal(diskErrorMessage(new Error("x")), null);
  assert.equal(diskErrorMessage(fsError("ENOENT", { path: "/a" })), null);
  assert.equal(diskErrorCode(fsError("EDQUOT")), "EDQUOT");
  assert.equal(
    diskErrorMessage(fsError("EACCES", { path: "/data/out/m.csv", syscall: "open" })),
    "permission denied (EACCES) open /data/out/m.csv; make /data/out writable for this user, or " +
      "choose another folder (--run-dir, --out, --cache or CXR_CACHE_DIR)",
  );
  assert.match(
    diskErrorMessage(fsError("EPERM", { target: "/x/y" }))!,
    /^permission denied \(EPERM\) writing \/x\/y; make \/x writable/,
  );
  assert.match(
    diskErrorMessage(fsError("EDQUOT", { target: "/q/f" }))!,
    /^no space left on the disk \(EDQUOT\) writing \/q\/f; free space/,
  );
  assert.match(
    diskErrorMessage(fsError("EROFS", { path: "/ro/d", syscall: "mkdir" }))!,
    /^read-only file system \(EROFS\) mkdir \/ro\/d; write somewhere writable/,
  );
});

Deno.test("noteTarget: the writer closest to the failure names the file; other errors pass unchanged", async () => {
  const err = noteTarget(fsError("ENOSPC"), "/inner/file.bin");
  noteTarget(err, "/outer");
  assert.equal((err as { target?: string }).target, "/inner/file.bin");
  const other = new Error("bug");
  assert.equal((noteTarget(other, "/x") as { target?: string }).target, undefined);
  await assert.rejects(
    writingTo("/cache/pixels.bin", () => Promise.reject(fsError("ENOSPC"))),
    (e) => (e as { target?: string }).target === "/cache/pixels.bin",
  );
});
