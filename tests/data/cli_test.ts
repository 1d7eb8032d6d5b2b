import assert from "node:assert/strict";
import { mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { WORKSPACE_ROOT } from "../../lib/paths.ts";
import { openCache, readManifest, readSplit } from "../../lib/data/mod.ts";
import { put, tempDir } from "./_fixtures.ts";

async function cxr(...args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", join(WORKSPACE_ROOT, "lib/cli/main.ts"), ...args],
    cwd: WORKSPACE_ROOT,
    env: { NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

Deno.test("data commands print fatal input errors as one line, no stack trace", async () => {
  const tmp = await tempDir();
  await mkdir(join(tmp, "odd/stuff"), { recursive: true });
  await mkdir(join(tmp, "empty/NORMAL"), { recursive: true });
  // One class only: an empty PNEUMONIA folder used to give a one-class split (and later a
  // "perfect" validation accuracy).
  await put(tmp, "oneclass/NORMAL/IM-0001-0001.png");
  await put(tmp, "oneclass/NORMAL/IM-0002-0001.png");
  await mkdir(join(tmp, "oneclass/PNEUMONIA"));
  // Kaggle layout whose val/ folder lacks PNEUMONIA: fine for re-splitting, not for "official".
  for (const s of ["train", "val", "test"]) await put(tmp, `kaggle/${s}/NORMAL/IM-1${s}-0001.png`);
  for (const s of ["train", "test"]) await put(tmp, `kaggle/${s}/PNEUMONIA/person1_virus_${s}.png`);
  const cases: [string[], RegExp, number][] = [
    [["manifest", "--data", join(tmp, "missing")], /does not exist; expected .*Kaggle layout/, 1],
    [
      ["split", "--data", join(tmp, "odd"), "--strategy", "patient"],
      /unknown layout \(found: stuff\)/,
      1,
    ],
    [["prepare", "--data", join(tmp, "empty")], /no images found under .*empty \(flat layout\)/, 1],
    [
      ["split", "--strategy", "random"],
      /--strategy 'random' must be one of paper, patient, official/,
      2,
    ],
    [["prepare", "--size", "0"], /--size '0' must be an integer/, 2],
    [
      ["split", "--data", join(tmp, "oneclass"), "--strategy", "paper"],
      /no usable PNEUMONIA images in .*oneclass \(PNEUMONIA\/: empty class folder\); both classes/,
      1,
    ],
    [
      [
        "split",
        "--data",
        join(tmp, "kaggle"),
        "--strategy",
        "official",
        "--official-val",
        "kaggle",
      ],
      /the val side of the official split of .*kaggle has no PNEUMONIA images \(only 1 NORMAL\)/,
      1,
    ],
  ];
  for (const [args, re, code] of cases) {
    const r = await cxr(...args);
    assert.equal(r.code, code, args.join(" "));
    // Progress lines of a scan that ran before the error may come first.
    const lines = r.stderr.trim().split("\n").filter((l) => !/^scan: \d+\/\d+ /.test(l));
    assert.equal(lines.length, 1, r.stderr);
    assert.match(lines[0], /^error: /);
    assert.match(lines[0], re);
  }
});

Deno.test("cxr manifest, split and prepare run end to end on a small dataset", async () => {
  const root = await tempDir();
  const value = new Map<string, number>(); // flat grey images, one value each
  for (let k = 0; k < 10; k++) {
    value.set(`train/NORMAL/IM-${1000 + k}-0001.png`, k * 20);
    value.set(`train/PNEUMONIA/person${k}_virus_${k}.png`, 5 + k * 20);
  }
  for (const [path, v] of value) await put(root, path, { width: 20, height: 20, value: v });
  const out = await tempDir();
  const m = await cxr("manifest", "--data", root, "--out", join(out, "m.csv"));
  assert.equal(m.code, 0, m.stderr);
  assert.match(
    m.stdout,
    /20 images in .* \(kaggle layout\): train\/NORMAL 10, train\/PNEUMONIA 10/,
  );
  assert.equal((await readManifest(join(out, "m.csv"))).length, 20);
  assert.equal(await readFile(join(out, "skipped.csv"), "utf8"), "path,reason\n");
  assert.equal(
    await readFile(join(out, "duplicates.csv"), "utf8"),
    "group,sha256,path,label,officialSplit,patientId\n",
  );

  const s = await cxr(
    "split",
    "--manifest",
    join(out, "m.csv"),
    "--strategy",
    "patient",
    "--seed",
    "1",
    "--out",
    join(out, "s"),
  );
  assert.equal(s.code, 0, s.stderr);
  const split = await readSplit(join(out, "s"));
  assert.deepEqual([split.train.length, split.val.length, split.test.length], [16, 2, 2]);
  const summary = JSON.parse(await readFile(join(out, "s", "summary.json"), "utf8"));
  assert.deepEqual(summary.patientOverlap, { trainVal: 0, trainTest: 0, valTest: 0 });

  const p = await cxr("prepare", "--data", root, "--size", "8", "--cache", join(out, "cache"));
  assert.equal(p.code, 0, p.stderr);
  assert.match(p.stdout, /20 images cached at 8x8/);
  const cache = await openCache({ dataRoot: root, size: 8, cacheDir: join(out, "cache") });
  for (const r of [...split.train, ...split.val, ...split.test]) {
    assert.deepEqual(cache.pixels(r.sha256), new Uint8Array(64).fill(value.get(r.path)!), r.path);
  }
});
