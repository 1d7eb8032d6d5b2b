import assert from "node:assert/strict";
import { realDataRoot } from "../_real_data.ts";
import { appendFile, mkdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";
import {
  cacheFolder,
  decodeGray,
  openCache,
  prepareCache,
  scanDataset,
} from "../../lib/data/mod.ts";
import { CxrError } from "../../lib/errors.ts";
import { encodeImage, put, tempDir } from "./_fixtures.ts";
import { WORKSPACE_ROOT } from "../../lib/paths.ts";
import { grayIccProfile, withIccProfile } from "./_icc.ts";

const SIZE = 16;
const shade = (k: number) => (x: number, y: number) => (k * 37 + x * 5 + y * 3) % 256;

/** A Kaggle-layout fixture with every bad-input case the cache handles. */
async function badInputDataset(): Promise<string> {
  const root = await tempDir();
  const jpeg = await encodeImage({ width: 40, height: 40, format: "jpeg", value: shade(1) });
  await put(root, "train/NORMAL/IM-0001-0001.jpeg", jpeg);
  await put(root, "train/NORMAL/IM-0001-0002.jpeg", withIccProfile(jpeg, grayIccProfile(1)));
  await put(root, "train/NORMAL/IM-0002-0001.jpeg", jpeg.subarray(0, jpeg.length - 200)); // corrupted
  await put(root, "train/NORMAL/IM-0003-0001.jpeg", new Uint8Array(0));
  await put(root, "train/PNEUMONIA/person1_virus_1.jpeg", new TextEncoder().encode("<html>"));
  const v16 = Uint16Array.from({ length: 30 * 20 }, (_, i) => (i % 30) * 6 * 257); // ramp 0..174
  await put(
    root,
    "train/PNEUMONIA/person2_bacteria_2.png",
    await sharp(v16, { raw: { width: 30, height: 20, channels: 1 } }).toColourspace("grey16").png()
      .toBuffer(),
  );
  await put(root, "train/PNEUMONIA/person3_bacteria_3.png", {
    width: 25,
    height: 35,
    channels: 4,
    value: shade(3),
  });
  await put(root, "test/PNEUMONIA/person4_virus_4.jpeg", jpeg); // duplicate of train/NORMAL/IM-0001-0001
  await put(root, "test/NORMAL/IM-0009-0001.png", { width: 16, height: 16, value: shade(9) });
  await mkdir(join(root, "val/NORMAL"), { recursive: true });
  await put(root, "val/PNEUMONIA/person5_virus_5.jpeg", {
    width: 50,
    height: 30,
    format: "jpeg",
    value: shade(5),
  });
  return root;
}

Deno.test("prepareCache: bad inputs decode correctly or land in skipped.csv; cache round-trips", async () => {
  const root = await badInputDataset();
  const cacheDir = await tempDir();
  const scan = await scanDataset(root, { progress: false });
  const cache = await prepareCache({ dataRoot: root, size: SIZE, cacheDir, progress: false });
  assert.equal(cache.size, SIZE);
  // 8 readable files, one of them an exact duplicate, one truncated: 6 cached images.
  assert.equal(scan.rows.length, 8);
  assert.equal(cache.count, 6);
  for (const r of scan.rows) {
    const bytes = await readFile(join(root, r.path));
    if (r.path.endsWith("IM-0002-0001.jpeg")) {
      assert.equal(cache.has(r.sha256), false);
      assert.match(cache.failed.get(r.sha256)!, /IM-0002-0001\.jpeg: cannot decode/);
      assert.throws(
        () => cache.pixels(r.sha256),
        (e) => e instanceof CxrError && /cannot decode/.test(e.message),
      );
    } else {
      assert.deepEqual(cache.pixels(r.sha256), await decodeGray(bytes, SIZE), r.path);
    }
  }
  const byPath = new Map(scan.rows.map((r) => [r.path, r.sha256]));
  assert.deepEqual( // the ICC-profiled copy decodes to the same pixels
    cache.pixels(byPath.get("train/NORMAL/IM-0001-0002.jpeg")!),
    cache.pixels(byPath.get("train/NORMAL/IM-0001-0001.jpeg")!),
  );
  const px16 = cache.pixels(byPath.get("train/PNEUMONIA/person2_bacteria_2.png")!);
  assert.ok(
    Math.min(...px16) < 10 && Math.max(...px16) > 160 && Math.max(...px16) < 185,
    "16-bit -> 8-bit",
  );

  const skipped = await readFile(
    join(cacheFolder({ dataRoot: root, size: SIZE, cacheDir }), "skipped.csv"),
    "utf8",
  );
  const lines = skipped.trim().split("\n");
  assert.equal(lines[0], "path,reason");
  const reasons = Object.fromEntries(
    lines.slice(1).map((l) => [l.slice(0, l.indexOf(",")), l.slice(l.indexOf(",") + 1)]),
  );
  assert.deepEqual(Object.keys(reasons).sort(), [
    "train/NORMAL/IM-0002-0001.jpeg",
    "train/NORMAL/IM-0003-0001.jpeg",
    "train/PNEUMONIA/person1_virus_1.jpeg",
    "val/NORMAL/",
  ]);
  assert.equal(reasons["train/NORMAL/IM-0003-0001.jpeg"], "empty file (0 bytes)");
  assert.match(reasons["train/PNEUMONIA/person1_virus_1.jpeg"], /^not a readable image/);
  assert.match(
    reasons["train/NORMAL/IM-0002-0001.jpeg"],
    /^cannot decode: .*(premature end|truncated)/i,
  );
  assert.equal(reasons["val/NORMAL/"], "empty class folder");

  // A rerun decodes nothing: neither file is rewritten.
  const dir = cacheFolder({ dataRoot: root, size: SIZE, cacheDir });
  const before = await Promise.all(["pixels.bin", "index.json"].map((f) => stat(join(dir, f))));
  let decoded = 0;
  await prepareCache({
    dataRoot: root,
    size: SIZE,
    cacheDir,
    progress: false,
    onProgress: () => decoded++,
  });
  const after = await Promise.all(["pixels.bin", "index.json"].map((f) => stat(join(dir, f))));
  assert.equal(decoded, 0);
  assert.deepEqual(after.map((s) => [s.mtimeMs, s.size]), before.map((s) => [s.mtimeMs, s.size]));
  assert.equal(before[0].size, 6 * SIZE * SIZE);
});

Deno.test("prepareCache: an interrupted build with a torn tail resumes without losing or redoing work", async () => {
  const root = await tempDir();
  for (let k = 0; k < 12; k++) {
    await put(root, `NORMAL/IM-${1000 + k}-0001.png`, {
      width: 20 + k,
      height: 24,
      value: shade(k),
    });
  }
  const cacheDir = await tempDir();
  const loc = { dataRoot: root, size: SIZE, cacheDir };
  const controller = new AbortController();
  await assert.rejects(
    prepareCache({
      ...loc,
      progress: false,
      concurrency: 1,
      checkpointEvery: 2,
      signal: controller.signal,
      onProgress: (done) => done === 5 && controller.abort(),
    }),
    (e) => e instanceof CxrError && /interrupted after 5 images; rerun/.test(e.message),
  );
  const dir = cacheFolder(loc);
  const partial = JSON.parse(await readFile(join(dir, "index.json"), "utf8"));
  assert.equal(partial.count, 5);
  const bin = await readFile(join(dir, "pixels.bin"));
  assert.equal(bin.length, 5 * SIZE * SIZE);
  // What a kill mid-append and mid-checkpoint leaves behind: a torn record and a temp index.
  await appendFile(join(dir, "pixels.bin"), new Uint8Array(SIZE * SIZE + 17).fill(255));
  await writeFile(join(dir, "index.json.tmp-999-0"), "{ torn");
  // A partial cache opens and serves what it has.
  assert.equal((await openCache(loc)).count, 5);

  let decoded = 0;
  const cache = await prepareCache({ ...loc, progress: false, onProgress: () => decoded++ });
  assert.equal(decoded, 7);
  assert.equal(cache.count, 12);
  const full = JSON.parse(await readFile(join(dir, "index.json"), "utf8"));
  for (const [sha, slot] of Object.entries(partial.slots)) {
    assert.equal(full.slots[sha], slot, "kept its slot");
  }
  const bin2 = await readFile(join(dir, "pixels.bin"));
  assert.equal(bin2.length, 12 * SIZE * SIZE, "torn tail cut off");
  assert.deepEqual(bin2.subarray(0, bin.length), bin, "cached records untouched");
  for (const r of (await scanDataset(root, { progress: false })).rows) {
    assert.deepEqual(
      cache.pixels(r.sha256),
      await decodeGray(await readFile(join(root, r.path)), SIZE),
    );
  }
});

Deno.test("prepareCache: a live lock is waited for, then refused; a stale lock is taken over; a new decoder rebuilds", async () => {
  const root = await tempDir();
  await put(root, "PNEUMONIA/person1_virus_1.png", { width: 30, height: 30, value: shade(1) });
  const cacheDir = await tempDir();
  const loc = { dataRoot: root, size: 8, cacheDir, progress: false };
  const dir = cacheFolder(loc);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "lock"), "1"); // pid 1 is always alive
  await assert.rejects(
    prepareCache({ ...loc, lockWaitMs: 0 }),
    (e) => e instanceof CxrError && /being built by process 1/.test(e.message),
  );
  // Waiting: the build goes on once the holder lets go.
  const consoleError = console.error;
  console.error = () => {};
  try {
    setTimeout(() => Deno.removeSync(join(dir, "lock")), 500);
    assert.equal((await prepareCache({ ...loc, lockWaitMs: 60_000 })).count, 1);
  } finally {
    console.error = consoleError;
  }
  await rm(dir, { recursive: true });
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "lock"), "999999999");
  const a = await prepareCache(loc);
  assert.equal(a.count, 1);
  await assert.rejects(stat(join(dir, "lock")), "lock released");
  const b = await prepareCache({ ...loc, kernel: "nearest" });
  const index = JSON.parse(await readFile(join(dir, "index.json"), "utf8"));
  assert.match(index.decoder, /nearest/);
  assert.equal(b.count, 1);
});

Deno.test("openCache: a missing cache names the command that builds it", async () => {
  const cacheDir = await tempDir();
  await assert.rejects(
    openCache({ dataRoot: "/some/data", size: 224, cacheDir }),
    (e) =>
      e instanceof CxrError &&
      e.message.includes("deno task cxr prepare --data /some/data --size 224"),
  );
});

Deno.test("prepareCache: a build killed with SIGKILL loses nothing it checkpointed", async () => {
  const root = await tempDir();
  for (let k = 0; k < 120; k++) {
    await put(root, `NORMAL/IM-${1000 + k}-0001.png`, { width: 24, height: 24, value: shade(k) });
  }
  const cacheDir = await tempDir();
  const loc = { dataRoot: root, size: SIZE, cacheDir };
  const dir = cacheFolder(loc);
  // A child process that builds slowly (busy-waits 10 ms per image), checkpointing every 5.
  const script = join(await tempDir(), "build.ts");
  await writeFile(
    script,
    `import { prepareCache } from ${
      JSON.stringify(new URL("../../lib/data/mod.ts", import.meta.url).href)
    };
await prepareCache({ ...${JSON.stringify(loc)}, progress: false, concurrency: 1, checkpointEvery: 5,
  onProgress: () => { const t = Date.now(); while (Date.now() - t < 10) {} } });`,
  );
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--config", join(WORKSPACE_ROOT, "deno.json"), script],
    cwd: WORKSPACE_ROOT,
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let exited = false;
  const status = child.status.then((s) => (exited = true, s));
  const stderr = new Response(child.stderr).text();
  let partial: { count: number; slots: Record<string, number> } | null = null;
  while (!partial && !exited) {
    await new Promise((r) => setTimeout(r, 10));
    const text = await readFile(join(dir, "index.json"), "utf8").catch(() => null);
    if (text && JSON.parse(text).count >= 10) partial = JSON.parse(text);
  }
  if (!exited) child.kill("SIGKILL");
  await status;
  assert.ok(partial, `the child checkpointed before exiting: ${await stderr}`);
  const index = JSON.parse(await readFile(join(dir, "index.json"), "utf8"));
  assert.ok(
    index.count >= partial.count && index.count < 120,
    `killed mid-build at ${index.count}`,
  );
  const before = (await readFile(join(dir, "pixels.bin"))).subarray(0, index.count * SIZE * SIZE);

  let decoded = 0;
  const cache = await prepareCache({ ...loc, progress: false, onProgress: () => decoded++ });
  assert.equal(decoded, 120 - index.count);
  assert.equal(cache.count, 120);
  const after = JSON.parse(await readFile(join(dir, "index.json"), "utf8"));
  for (const [sha, slot] of Object.entries(index.slots)) assert.equal(after.slots[sha], slot);
  assert.deepEqual((await readFile(join(dir, "pixels.bin"))).subarray(0, before.length), before);
  for (const r of (await scanDataset(root, { progress: false })).rows) {
    assert.deepEqual(
      cache.pixels(r.sha256),
      await decodeGray(await readFile(join(root, r.path)), SIZE),
    );
  }
});

Deno.test("real data: a handful of images decode to their stored pixels (224x224 copies unchanged)", async () => {
  const { referenceRows } = await import("./_fixtures.ts");
  const REAL_ROOT = realDataRoot();
  const pick = (await referenceRows()).filter((r) =>
    [
      "test/NORMAL/IM-0001-0001.jpeg",
      "val/PNEUMONIA/person1946_bacteria_4874.jpeg",
      "train/NORMAL/IM-0117-0001.jpeg",
    ]
      .includes(r.path)
  );
  assert.equal(pick.length, 3);
  const cache = await prepareCache({
    dataRoot: REAL_ROOT,
    size: 224,
    cacheDir: await tempDir(),
    rows: pick,
    progress: false,
  });
  for (const r of pick) {
    const bytes = await readFile(join(REAL_ROOT, r.path));
    const meta = await sharp(bytes).metadata();
    assert.equal(meta.hasProfile ?? false, false);
    if (meta.width === 224 && meta.height === 224) {
      const plain = await sharp(bytes).greyscale().raw().toBuffer();
      assert.deepEqual(cache.pixels(r.sha256), new Uint8Array(plain), `${r.path} unchanged at 224`);
    } else {
      assert.deepEqual(cache.pixels(r.sha256), await decodeGray(bytes, 224));
    }
  }
});

Deno.test("prepareCache: a lost pixel file is rebuilt, a file gone since the scan is skipped", async () => {
  const root = await tempDir();
  await put(root, "NORMAL/IM-0001-0001.png", { width: 20, height: 20, value: shade(1) });
  await put(root, "NORMAL/IM-0002-0001.png", { width: 20, height: 20, value: shade(2) });
  const cacheDir = await tempDir();
  const loc = { dataRoot: root, size: 8, cacheDir, progress: false };
  const rows = (await scanDataset(root, { progress: false })).rows;
  await prepareCache({ ...loc, rows: rows.slice(0, 1) });
  await writeFile(join(cacheFolder(loc), "pixels.bin"), new Uint8Array(10)); // shorter than the index says
  await Deno.remove(join(root, rows[1].path));
  const cache = await prepareCache({ ...loc, rows });
  assert.deepEqual(
    cache.pixels(rows[0].sha256),
    await decodeGray(await readFile(join(root, rows[0].path)), 8),
  );
  assert.equal(cache.has(rows[1].sha256), false);
  const skipped = await readFile(join(cacheFolder(loc), "skipped.csv"), "utf8");
  assert.match(skipped, /NORMAL\/IM-0002-0001\.png,"cannot read: ENOENT/);
  // Unlike an undecodable file, an unreadable one is retried once it is back.
  await put(root, "NORMAL/IM-0002-0001.png", { width: 20, height: 20, value: shade(2) });
  assert.equal((await prepareCache({ ...loc, rows })).has(rows[1].sha256), true);
});

Deno.test("prepareCache: progress is saved every checkpointEvery images, and once checkpointSeconds pass", async () => {
  const root = await tempDir();
  for (let k = 0; k < 6; k++) {
    await put(root, `NORMAL/IM-${1000 + k}-0001.png`, { width: 20, height: 20, value: shade(k) });
  }
  const cacheDir = await tempDir();
  const loc = { dataRoot: root, size: SIZE, cacheDir };
  const dir = cacheFolder(loc);
  // Read synchronously after each image, before its checkpoint step: what a kill then keeps.
  const indexed = () => {
    try {
      return JSON.parse(Deno.readTextFileSync(join(dir, "index.json"))).count;
    } catch {
      return 0;
    }
  };
  const counts = async (opts: { checkpointEvery?: number; checkpointSeconds?: number }) => {
    const seen: number[] = [];
    await prepareCache({
      ...loc,
      ...opts,
      progress: false,
      concurrency: 1,
      onProgress: () => void seen.push(indexed()),
    });
    return seen;
  };
  assert.deepEqual(await counts({ checkpointEvery: 2, checkpointSeconds: 3600 }), [
    0,
    0,
    2,
    2,
    4,
    4,
  ]);
  await Deno.remove(dir, { recursive: true });
  // A set smaller than checkpointEvery still keeps its progress once the seconds have passed.
  assert.deepEqual(await counts({ checkpointEvery: 1000, checkpointSeconds: 0 }), [
    0,
    1,
    2,
    3,
    4,
    5,
  ]);
});
