import assert from "node:assert/strict";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fetchDataset, kaggleSource, scanDataset } from "../../lib/data/mod.ts";
import { CxrError } from "../../lib/errors.ts";
import { WORKSPACE_ROOT } from "../../lib/paths.ts";
import { encodeImage, tempDir } from "./_fixtures.ts";
import { makeZip, serve } from "./_server.ts";
import { createHash } from "node:crypto";

/** An archive shaped like Kaggle's: chest_xray/{train,test,val}/..., a nested copy, __MACOSX. */
async function datasetZip(): Promise<Uint8Array<ArrayBuffer>> {
  const img = (k: number) => encodeImage({ width: 10, height: 10, value: k * 10, format: "jpeg" });
  const files: Record<string, Uint8Array> = {};
  for (const split of ["train", "test", "val"]) {
    files[`chest_xray/${split}/NORMAL/IM-000${split.length}-0001.jpeg`] = await img(split.length);
    files[`chest_xray/${split}/PNEUMONIA/person${split.length}_virus_1.jpeg`] = await img(
      split.length + 10,
    );
  }
  files["chest_xray/chest_xray/train/NORMAL/IM-0009-0001.jpeg"] = await img(9);
  files["__MACOSX/chest_xray/._x"] = new Uint8Array(4);
  return makeZip(files) as Uint8Array<ArrayBuffer>;
}

Deno.test("fetchDataset downloads (resuming), verifies, unpacks and places the dataset", async () => {
  const zip = await datasetZip();
  const sha256 = createHash("sha256").update(zip).digest("hex");
  const server = serve({ "/ChestXRay2017.zip": { body: zip, cutAfter: 300 } });
  try {
    const dir = await tempDir();
    const out = join(dir, "data", "chest_xray");
    const source = { url: server.url("/ChestXRay2017.zip"), fileName: "ChestXRay2017.zip", sha256 };
    await assert.rejects(fetchDataset({ source, out, progress: false }), /interrupted/);
    const got = await fetchDataset({ source, out, progress: false });
    assert.equal(got.archive.resumedFrom, 300);
    assert.equal(got.files, 7);
    assert.equal(got.root, out);
    const scan = await scanDataset(out, { progress: false });
    assert.equal(scan.layout, "kaggle");
    assert.deepEqual(scan.rows.map((r) => r.path), [
      "test/NORMAL/IM-0004-0001.jpeg",
      "test/PNEUMONIA/person4_virus_1.jpeg",
      "train/NORMAL/IM-0005-0001.jpeg",
      "train/PNEUMONIA/person5_virus_1.jpeg",
      "val/NORMAL/IM-0003-0001.jpeg",
      "val/PNEUMONIA/person3_virus_1.jpeg",
    ]);
    assert.deepEqual((await readdir(join(dir, "data"))).sort(), ["chest_xray", "downloads"]);
    await assert.rejects(
      fetchDataset({ source, out, progress: false }),
      (e) => e instanceof CxrError && /is not empty; delete it/.test(e.message),
    );
  } finally {
    await server.close();
  }
});

Deno.test("fetchDataset refuses an archive without the dataset folders", async () => {
  const server = serve({
    "/other.zip": { body: makeZip({ "readme.txt": "x" }) as Uint8Array<ArrayBuffer> },
  });
  try {
    const dir = await tempDir();
    const source = { url: server.url("/other.zip"), fileName: "other.zip" };
    await assert.rejects(
      fetchDataset({ source, out: join(dir, "ds"), progress: false }),
      (e) => e instanceof CxrError && /no chest X-ray folders found/.test(e.message),
    );
    assert.deepEqual(await readdir(dir), ["downloads"], "staging folder removed");
  } finally {
    await server.close();
  }
});

Deno.test("kaggleSource builds the API URL with basic auth (not contacted in tests)", () => {
  const s = kaggleSource("alice", "k3y");
  assert.equal(
    s.url,
    "https://www.kaggle.com/api/v1/datasets/download/paultimothymooney/chest-xray-pneumonia",
  );
  assert.equal(s.headers?.Authorization, `Basic ${btoa("alice:k3y")}`);
});

Deno.test("cxr data fetch --url works against the local server", async () => {
  const zip = await datasetZip();
  const server = serve({ "/set.zip": { body: zip } });
  try {
    const dir = await tempDir();
    await mkdir(join(dir, "data"));
    await writeFile(join(dir, "data", ".keep"), "");
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "lib/cli/main.ts",
        "data",
        "fetch",
        "--url",
        server.url("/set.zip"),
        "--out",
        join(dir, "data", "cx"),
      ],
      cwd: WORKSPACE_ROOT,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(out.stdout);
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    assert.match(stdout, /dataset ready at .*cx \(7 files unpacked\)/);
    assert.equal((await scanDataset(join(dir, "data", "cx"), { progress: false })).rows.length, 6);
  } finally {
    await server.close();
  }
});

const hasTar = await new Deno.Command("tar", {
  args: ["--version"],
  stdout: "null",
  stderr: "null",
})
  .output().then((o) => o.success, () => false);

Deno.test({
  name: "fetchDataset unpacks a tar.gz archive with the system tar",
  ignore: !hasTar,
  async fn() {
    const src = await tempDir();
    await mkdir(join(src, "pack/NORMAL"), { recursive: true });
    await mkdir(join(src, "pack/PNEUMONIA"), { recursive: true });
    await writeFile(join(src, "pack/NORMAL/a.png"), await encodeImage({ width: 4, height: 4 }));
    await writeFile(join(src, "pack/PNEUMONIA/b.png"), await encodeImage({ width: 5, height: 4 }));
    const made = await new Deno.Command("tar", {
      args: ["-czf", join(src, "set.tar.gz"), "-C", src, "pack"],
    }).output();
    assert.ok(made.success);
    const server = serve({ "/set.tar.gz": { body: await Deno.readFile(join(src, "set.tar.gz")) } });
    try {
      const out = join(await tempDir(), "flat");
      const got = await fetchDataset({
        source: { url: server.url("/set.tar.gz"), fileName: "set.tar.gz" },
        out,
        progress: false,
      });
      const scan = await scanDataset(got.root, { progress: false });
      assert.equal(scan.layout, "flat");
      assert.deepEqual(scan.rows.map((r) => [r.path, r.width]), [["NORMAL/a.png", 4], [
        "PNEUMONIA/b.png",
        5,
      ]]);
    } finally {
      await server.close();
    }
  },
});
