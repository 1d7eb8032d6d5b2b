import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { readSplit, type Split, writeSplit } from "../../lib/data/mod.ts";
import { row, tempDir } from "./_fixtures.ts";

Deno.test("writeSplit writes CSVs, summary.json and skipped.csv that readSplit reads back", async () => {
  const dir = join(await tempDir(), "split");
  const sha = (c: string) => c.repeat(64);
  const split: Split = {
    train: [{
      ...row("train/NORMAL/IM-0001-0001.jpeg", "NORMAL", "IM-0001", sha("a")),
      officialSplit: "train",
    }],
    val: [],
    test: [{
      ...row("test/PNEUMONIA/person1_virus_1.jpeg", "PNEUMONIA", "person1_virus", sha("b")),
      width: 7,
    }],
  };
  const summary = await writeSplit(dir, split, {
    strategy: "patient",
    seed: 7,
    skipped: [{ path: "x.jpeg", reason: "empty file (0 bytes)" }],
  });
  assert.deepEqual(await readSplit(dir), split);
  const json = JSON.parse(await readFile(join(dir, "summary.json"), "utf8"));
  assert.deepEqual(json, JSON.parse(JSON.stringify(summary)));
  assert.equal(json.strategy, "patient");
  assert.equal(json.skipped, 1);
  assert.deepEqual(json.counts.test, { NORMAL: 0, PNEUMONIA: 1, total: 1 });
  assert.equal(
    await readFile(join(dir, "skipped.csv"), "utf8"),
    "path,reason\nx.jpeg,empty file (0 bytes)\n",
  );
});
