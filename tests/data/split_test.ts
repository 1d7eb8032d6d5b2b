import assert from "node:assert/strict";
import { type ManifestRow, type Split, splitDataset, splitSummary } from "../../lib/data/mod.ts";
import { CxrError } from "../../lib/errors.ts";
import { referenceRows, row } from "./_fixtures.ts";

const paths = (s: Split) => [s.train, s.val, s.test].map((rows) => rows.map((r) => r.path));

Deno.test("splitDataset hits exact 80/10/10 counts per class on singleton groups", () => {
  const rows: ManifestRow[] = [];
  for (let i = 0; i < 20; i++) rows.push(row(`n${i}`, "NORMAL", `pn${i}`));
  for (let i = 0; i < 30; i++) rows.push(row(`p${i}`, "PNEUMONIA", `pp${i}`));
  for (const strategy of ["paper", "patient"] as const) {
    const s = splitDataset(rows, { strategy, seed: 3 });
    const summary = splitSummary(s);
    assert.deepEqual(summary.counts, {
      train: { NORMAL: 16, PNEUMONIA: 24, total: 40 },
      val: { NORMAL: 2, PNEUMONIA: 3, total: 5 },
      test: { NORMAL: 2, PNEUMONIA: 3, total: 5 },
    });
    assert.deepEqual(s.train.map((r) => r.path), [...s.train.map((r) => r.path)].sort());
  }
});

Deno.test("patient split keeps patients and duplicates (even across patients) together", () => {
  const rows: ManifestRow[] = [];
  for (let p = 0; p < 40; p++) {
    for (let k = 0; k < 1 + (p % 3); k++) rows.push(row(`a${p}_${k}`, "PNEUMONIA", `P${p}`));
  }
  rows.push(row("dupA", "PNEUMONIA", "P0", "same"), row("dupB", "PNEUMONIA", "Q", "same"));
  for (let seed = 0; seed < 10; seed++) {
    const s = splitDataset(rows, { strategy: "patient", seed });
    const side = new Map<string, number>();
    [s.train, s.val, s.test].forEach((rs, k) => rs.forEach((r) => side.set(r.path, k)));
    for (const [p] of rows.entries()) {
      const same = rows.filter((r) => r.patientId === rows[p].patientId);
      assert.equal(new Set(same.map((r) => side.get(r.path))).size, 1);
    }
    assert.equal(side.get("dupA"), side.get("dupB"));
    assert.equal(side.get("dupA"), side.get("a0_0"));
    const o = splitSummary(s).patientOverlap;
    assert.deepEqual(o, { trainVal: 0, trainTest: 0, valTest: 0 });
  }
});

Deno.test("patient split with the 'person' key keeps personN together across bacteria/virus", () => {
  const rows: ManifestRow[] = [];
  for (let p = 0; p < 30; p++) {
    rows.push(row(`b${p}`, "PNEUMONIA", `person${p}_bacteria`));
    if (p % 2 === 0) rows.push(row(`v${p}`, "PNEUMONIA", `person${p}_virus`));
    rows.push(row(`n${p}`, "NORMAL", `IM-${p}`));
  }
  let apart = 0;
  for (let seed = 0; seed < 10; seed++) {
    const sideOf = (s: ReturnType<typeof splitDataset>) => {
      const side = new Map<string, number>();
      [s.train, s.val, s.test].forEach((rs, k) => rs.forEach((r) => side.set(r.path, k)));
      return side;
    };
    const person = sideOf(splitDataset(rows, { strategy: "patient", seed, patientKey: "person" }));
    const typed = sideOf(splitDataset(rows, { strategy: "patient", seed }));
    for (let p = 0; p < 30; p += 2) {
      assert.equal(person.get(`v${p}`), person.get(`b${p}`), `seed ${seed} person${p}`);
      if (typed.get(`v${p}`) !== typed.get(`b${p}`)) apart++;
    }
  }
  assert.ok(apart > 0, "the default key may part bacteria and virus of one personN");
});

Deno.test("official split follows the folders; the flat layout is refused in one line", () => {
  const rows = [
    { ...row("test/NORMAL/b", "NORMAL", "b"), officialSplit: "test" as const },
    { ...row("train/NORMAL/a", "NORMAL", "a"), officialSplit: "train" as const },
    { ...row("val/PNEUMONIA/c", "PNEUMONIA", "c"), officialSplit: "val" as const },
  ];
  const kaggle = splitDataset(rows, { strategy: "official", seed: 0, officialVal: "kaggle" });
  assert.deepEqual(paths(kaggle), [
    ["train/NORMAL/a"],
    ["val/PNEUMONIA/c"],
    ["test/NORMAL/b"],
  ]);
  assert.throws(
    () => splitDataset([row("NORMAL/x", "NORMAL", "x")], { strategy: "official", seed: 0 }),
    (e) => e instanceof CxrError && /needs the Kaggle layout/.test(e.message),
  );
  assert.throws(
    () => splitDataset(rows, { strategy: "paper", seed: 0, fractions: [0.5, 0.5, 0.5] }),
    /must be three non-negative numbers summing to 1/,
  );
});

Deno.test("official split carves a stratified patient-level validation from train/ + val/", () => {
  const rows: ManifestRow[] = [];
  const add = (folder: "train" | "val" | "test", label: "NORMAL" | "PNEUMONIA", n: number) => {
    for (let i = 0; i < n; i++) {
      const patient = `${folder}${label}${Math.floor(i / 2)}`; // two images per patient
      rows.push({
        ...row(`${folder}/${label}/${i}`, label, patient, `${folder}${label}${i}`),
        officialSplit: folder,
      });
    }
  };
  add("train", "NORMAL", 40);
  add("train", "PNEUMONIA", 100);
  add("val", "NORMAL", 2);
  add("val", "PNEUMONIA", 2);
  add("test", "NORMAL", 6);
  add("test", "PNEUMONIA", 6);
  for (let seed = 0; seed < 5; seed++) {
    const s = splitDataset(rows, { strategy: "official", seed });
    const sum = splitSummary(s);
    // The pool is train/ (140) + val/ (4) = 144 images in pairs (42 NORMAL, 102 PNEUMONIA):
    // 10% of each class, within one pair.
    assert.ok(Math.abs(sum.counts.val.NORMAL - 4.2) <= 2, `seed ${seed}: ${sum.counts.val.NORMAL}`);
    assert.ok(Math.abs(sum.counts.val.PNEUMONIA - 10.2) <= 2, `seed ${seed}`);
    assert.ok(s.val.every((r) => s.val.filter((o) => o.patientId === r.patientId).length === 2));
    assert.equal(s.train.length + s.val.length, 144);
    assert.deepEqual(paths(s)[2], paths({ train: [], val: [], test: rows.slice(144) })[2].sort());
    assert.deepEqual(sum.patientOverlap, { trainVal: 0, trainTest: 0, valTest: 0 });
    assert.ok(s.val.every((r) => r.officialSplit !== "test"));
  }
  const a = paths(splitDataset(rows, { strategy: "official", seed: 1 }))[1];
  const b = paths(splitDataset(rows, { strategy: "official", seed: 2 }))[1];
  assert.deepEqual(a, paths(splitDataset(rows, { strategy: "official", seed: 1 }))[1]);
  assert.notDeepEqual(a, b, "the carve depends on the seed");
});

Deno.test("splitSummary counts overlaps by hand", () => {
  const s: Split = {
    train: [row("a", "NORMAL", "p1", "h1"), row("b", "PNEUMONIA", "p2", "h2")],
    val: [row("c", "PNEUMONIA", "p1", "h3")],
    test: [row("d", "PNEUMONIA", "p3", "h2")],
  };
  const sum = splitSummary(s);
  assert.equal(sum.total, 4);
  assert.deepEqual(sum.fractions, { train: 0.5, val: 0.25, test: 0.25 });
  assert.deepEqual(sum.pneumoniaShare, { train: 0.5, val: 1, test: 1, all: 0.75 });
  assert.deepEqual(sum.patients, { train: 2, val: 1, test: 1 });
  assert.deepEqual(sum.patientOverlap, { trainVal: 1, trainTest: 0, valTest: 0 });
  assert.deepEqual(sum.duplicateOverlap, { trainVal: 0, trainTest: 1, valTest: 0 });
});

Deno.test("real data: paper and patient splits are deterministic, 80/10/10 and stratified", async () => {
  const rows = await referenceRows();
  for (const strategy of ["paper", "patient"] as const) {
    for (const seed of [7, 8]) {
      const s = splitDataset(rows, { strategy, seed });
      assert.deepEqual(paths(splitDataset(rows, { strategy, seed })), paths(s), "deterministic");
      const sum = splitSummary(s);
      assert.equal(sum.total, 5856);
      for (const [k, f] of [["train", 0.8], ["val", 0.1], ["test", 0.1]] as const) {
        assert.ok(
          Math.abs(sum.fractions[k] - f) < 0.01,
          `${strategy} ${seed} ${k} ${sum.fractions[k]}`,
        );
        assert.ok(
          Math.abs(sum.pneumoniaShare[k] - sum.pneumoniaShare.all) < 0.01,
          `${strategy} ${k} share`,
        );
      }
      assert.deepEqual(sum.duplicateOverlap, { trainVal: 0, trainTest: 0, valTest: 0 });
      if (strategy === "patient") {
        assert.deepEqual(sum.patientOverlap, { trainVal: 0, trainTest: 0, valTest: 0 });
      } else {
        assert.ok(sum.patientOverlap.trainTest > 0, "an image-level split leaks patients");
      }
    }
    if (strategy === "patient") {
      // Keyed on personN with its type, some personN ids (155 on the shared copy) have images on
      // both sides of train/test; keyed on personN alone, none do.
      const typed = splitSummary(splitDataset(rows, { strategy, seed: 7 }), "person");
      assert.ok(typed.patientOverlap.trainTest > 0, "personN shared between train and test");
      const person = splitDataset(rows, { strategy, seed: 7, patientKey: "person" });
      const sum = splitSummary(person, "person");
      assert.deepEqual(sum.patientOverlap, { trainVal: 0, trainTest: 0, valTest: 0 });
      for (const [k, f] of [["train", 0.8], ["val", 0.1], ["test", 0.1]] as const) {
        assert.ok(Math.abs(sum.fractions[k] - f) < 0.01, `person key ${k} ${sum.fractions[k]}`);
      }
    }
    const a = paths(splitDataset(rows, { strategy, seed: 7 }));
    const b = paths(splitDataset(rows, { strategy, seed: 8 }));
    assert.notDeepEqual(a[2], b[2], "another seed gives another test set");
  }
});
