/**
 * A full disk and a read-only folder, for real: a 20 MB tmpfs and a read-only bind mount (both
 * need root; where they cannot be made the tests are skipped and say why). Each failure is one
 * line naming the path and the fix, and what was written before it is kept.
 */
import assert from "node:assert/strict";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";
import { createHash } from "node:crypto";
import { cacheFolder, decodeGray, openCache, scanDataset } from "../../lib/data/mod.ts";
import { WORKSPACE_ROOT } from "../../lib/paths.ts";
import { realWeightsDir } from "../_real_data.ts";

async function sh(cmd: string, ...args: string[]): Promise<string | null> {
  const r = await new Deno.Command(cmd, { args, stdout: "null", stderr: "piped" }).output()
    .catch((e) => ({ success: false, stderr: new TextEncoder().encode(String(e)) }));
  return r.success ? null : new TextDecoder().decode(r.stderr).trim() || `${cmd} failed`;
}

/** Mounts a tmpfs of `mb` MB at a new folder; the reason it cannot, as a string. */
async function tmpfs(mb: number): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "cxr-tmpfs-" });
  const why = await sh("mount", "-t", "tmpfs", "-o", `size=${mb}m`, "tmpfs", dir);
  if (why) throw new Error(why);
  return dir;
}

/** A read-only view (bind mount) of a new empty folder. */
async function readOnly(): Promise<string> {
  const src = await Deno.makeTempDir({ prefix: "cxr-ro-src-" });
  const dir = await Deno.makeTempDir({ prefix: "cxr-ro-" });
  const why = await sh("mount", "--bind", src, dir) ??
    await sh("mount", "-o", "remount,bind,ro", dir);
  if (why) throw new Error(why);
  return dir;
}

// Probe once: mounting needs root (and a kernel that allows it here).
const skip = await tmpfs(1).then(async (d) => {
  await sh("umount", d);
  return readOnly().then(async (r) => (await sh("umount", r), null), (e) => `${e.message}`);
}, (e) => `${e.message}`);
if (skip) {
  console.warn(`disk error tests skipped: cannot mount a tmpfs or a read-only bind (${skip})`);
}

async function cxr(args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(WORKSPACE_ROOT, "lib", "cli", "main.ts"), ...args],
    cwd: WORKSPACE_ROOT,
    env: { NO_COLOR: "1", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

/** The `error:` line of a command's stderr (progress lines may come before it). */
function errorLine(stderr: string): string {
  const lines = stderr.trim().split("\n").filter((l) => l.startsWith("error"));
  assert.equal(lines.length, 1, stderr);
  assert.ok(!stderr.includes("    at "), `no stack trace: ${stderr}`);
  return lines[0];
}

/** `n` small gray PNGs per class in a flat layout. */
async function dataset(root: string, n: number): Promise<void> {
  for (const [label, base] of [["NORMAL", 60], ["PNEUMONIA", 150]] as const) {
    await mkdir(join(root, label), { recursive: true });
    for (let i = 0; i < n; i++) {
      const px = new Uint8Array(32 * 32).map((_, k) => base + ((k * 7 + i * 13) % 60));
      const name = label === "NORMAL" ? `IM-${1000 + i}-0001.png` : `person${i}_virus_${i}.png`;
      await sharp(px, { raw: { width: 32, height: 32, channels: 1 } }).png().toFile(
        join(root, label, name),
      );
    }
  }
}

Deno.test({
  name:
    "a full disk: prepare, manifest and train each fail in one line naming the path; what was written is kept",
  ignore: skip !== null,
  async fn() {
    const tmp = await Deno.makeTempDir({ prefix: "cxr-disk-" });
    const data = join(tmp, "data");
    await dataset(data, 60);
    const disk = await tmpfs(20);
    try {
      // The image cache: 120 images at 512 px are 31 MB.
      const cache = join(disk, "cache");
      const p = await cxr(["prepare", "--data", data, "--size", "512", "--cache", cache]);
      assert.equal(p.code, 1);
      const loc = { dataRoot: data, size: 512, cacheDir: cache };
      assert.equal(
        errorLine(p.stderr),
        `error: no space left on the disk (ENOSPC) writing ${
          join(cacheFolder(loc), "pixels.bin")
        }; ` +
          "free space there (or point --run-dir, --out or CXR_CACHE_DIR at another disk) and " +
          "rerun the same command: what was already written is kept",
      );
      const kept = await openCache(loc);
      assert.ok(kept.count >= 64, `progress saved every 64 images: ${kept.count} kept`);
      // Every image it kept decodes to the same pixels again.
      const digest = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
      const { rows } = await scanDataset(data, { progress: false });
      const cached = rows.filter((r) => kept.has(r.sha256));
      assert.equal(cached.length, kept.count);
      for (const r of cached.slice(0, 8)) {
        const again = await decodeGray(await readFile(join(data, r.path)), 512);
        assert.equal(digest(kept.pixels(r.sha256)), digest(again), r.path);
      }
      assert.deepEqual((await readdir(cacheFolder(loc))).filter((f) => f.includes(".tmp-")), []);

      // A manifest written to the full disk.
      const m = await cxr(["manifest", "--data", data, "--out", join(disk, "m.csv")]);
      assert.equal(m.code, 1);
      assert.match(
        errorLine(m.stderr),
        /^error: no space left on the disk \(ENOSPC\) writing .*m\.csv; free space/,
      );
    } finally {
      await sh("umount", disk);
    }

    // A run folder on a disk that fills up during training (each checkpoint is about 9 MB).
    const small = await tmpfs(20);
    try {
      const runDir = join(small, "run");
      const args = [
        ...[
          "train",
          "--run-dir",
          runDir,
          "--data",
          data,
          "--weights",
          realWeightsDir(),
          "--profile",
        ],
        ...["quick", "--split", "paper", "--subset", "0", "--input-size", "32", "--batch-size"],
        ...["16", "--stage1-epochs", "4", "--stage2-epochs", "0", "--backend", "cpu"],
      ];
      const env = { CXR_CACHE_DIR: join(tmp, "cache") };
      const t = await cxr(args, env);
      assert.equal(t.code, 1, t.stderr);
      assert.match(
        errorLine(t.stderr),
        new RegExp(
          `^error: no space left on the disk \\(ENOSPC\\) writing ${runDir}/\\S+; free space`,
        ),
      );
      const names = await readdir(runDir);
      assert.deepEqual(names.filter((n) => n.includes(".tmp-")), [], names.join(", "));
      // Once there is room again, the same command resumes from what was kept.
      assert.equal(await sh("mount", "-o", "remount,size=100m", small), null);
      const again = await cxr(args, env);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /resuming .* after epoch [1-3]/);
      const history = JSON.parse(await readFile(join(runDir, "history.json"), "utf8"));
      assert.deepEqual(history.map((r: { epoch: number }) => r.epoch), [1, 2, 3, 4]);
    } finally {
      await sh("umount", small);
    }
  },
});

Deno.test({
  name: "a read-only folder: split and train fail in one line naming the path and the fix",
  ignore: skip !== null,
  async fn() {
    const tmp = await Deno.makeTempDir({ prefix: "cxr-ro-test-" });
    const data = join(tmp, "data");
    await dataset(data, 6);
    const ro = await readOnly();
    try {
      const s = await cxr(["split", "--data", data, "--strategy", "paper", "--out", join(ro, "s")]);
      assert.equal(s.code, 1);
      assert.equal(
        errorLine(s.stderr),
        `error: read-only file system (EROFS) writing ${join(ro, "s", "train.csv")}; write ` +
          "somewhere writable (--run-dir, --out, --cache or CXR_CACHE_DIR)",
      );
      const t = await cxr([
        ...["train", "--run-dir", join(ro, "run"), "--data", data, "--weights", realWeightsDir()],
        ...["--profile", "quick", "--backend", "cpu"],
      ]);
      assert.equal(t.code, 1);
      assert.equal(
        errorLine(t.stderr),
        `error: read-only file system (EROFS) writing ${join(ro, "run", "run.lock")}; write ` +
          "somewhere writable (--run-dir, --out, --cache or CXR_CACHE_DIR)",
      );
      await writeFile(join(tmp, "ok"), "the test folder itself stays writable");
    } finally {
      await sh("umount", ro);
    }
  },
});
