import assert from "node:assert/strict";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { discoverImages } from "../../lib/data/mod.ts";
import { CxrError } from "../../lib/errors.ts";
import { put, tempDir } from "./_fixtures.ts";

Deno.test("discoverImages reads the Kaggle layout, case-insensitive, .jpeg/.jpg/.png only", async () => {
  const root = await tempDir();
  await put(root, "train/NORMAL/IM-0001-0001.jpeg");
  await put(root, "train/pneumonia/person1_virus_1.JPG");
  await put(root, "Val/Normal/b.png");
  await put(root, "test/PNEUMONIA/c.png");
  await put(root, "test/PNEUMONIA/notes.txt", new TextEncoder().encode("hi"));
  await put(root, "test/PNEUMONIA/.DS_Store", new Uint8Array(1));
  await put(root, "__MACOSX/whatever.png");
  const d = await discoverImages(root);
  assert.equal(d.layout, "kaggle");
  assert.deepEqual(d.images, [
    { path: "Val/Normal/b.png", label: "NORMAL", officialSplit: "val" },
    { path: "test/PNEUMONIA/c.png", label: "PNEUMONIA", officialSplit: "test" },
    { path: "train/NORMAL/IM-0001-0001.jpeg", label: "NORMAL", officialSplit: "train" },
    { path: "train/pneumonia/person1_virus_1.JPG", label: "PNEUMONIA", officialSplit: "train" },
  ]);
  assert.deepEqual(d.skipped, [
    { path: "Val/PNEUMONIA/", reason: "missing class folder" },
    { path: "test/NORMAL/", reason: "missing class folder" },
    { path: "test/PNEUMONIA/notes.txt", reason: "not an image extension (.jpeg, .jpg, .png)" },
  ]);
});

Deno.test("discoverImages reads the flat layout and records an empty class folder", async () => {
  const root = await tempDir();
  await put(root, "NORMAL/a.jpg");
  await mkdir(join(root, "Pneumonia"));
  const d = await discoverImages(root);
  assert.equal(d.layout, "flat");
  assert.deepEqual(d.images, [{ path: "NORMAL/a.jpg", label: "NORMAL", officialSplit: null }]);
  assert.deepEqual(d.skipped, [{ path: "Pneumonia/", reason: "empty class folder" }]);
});

Deno.test("discoverImages fails in one line naming the root and layout", async () => {
  const root = await tempDir();
  const isLayoutError = (what: RegExp) => (e: unknown) =>
    e instanceof CxrError && what.test(e.message) && e.message.includes("Kaggle layout") &&
    !e.message.includes("\n");
  await assert.rejects(discoverImages(join(root, "nope")), isLayoutError(/nope does not exist/));
  await writeFile(join(root, "file"), "x");
  await assert.rejects(discoverImages(join(root, "file")), isLayoutError(/is not a folder/));
  await mkdir(join(root, "odd/images"), { recursive: true });
  await assert.rejects(
    discoverImages(join(root, "odd")),
    isLayoutError(/unknown layout \(found: images\)/),
  );
  await mkdir(join(root, "empty/train/NORMAL"), { recursive: true });
  await assert.rejects(
    discoverImages(join(root, "empty")),
    isLayoutError(/no images found under .*empty/),
  );
});

Deno.test("discoverImages follows symbolic links to class folders and images; loops and dangling links are listed", async () => {
  const root = await tempDir();
  const elsewhere = await tempDir();
  await put(elsewhere, "PNEUMONIA/person1_virus_1.png");
  await put(elsewhere, "IM-0002-0001.png");
  await put(root, "NORMAL/IM-0001-0001.png");
  await Deno.symlink(join(elsewhere, "PNEUMONIA"), join(root, "PNEUMONIA"));
  await Deno.symlink(join(elsewhere, "IM-0002-0001.png"), join(root, "NORMAL", "IM-0002-0001.png"));
  await Deno.symlink(join(root, "NORMAL", "b.png"), join(root, "NORMAL", "a.png")); // a -> b -> a
  await Deno.symlink(join(root, "NORMAL", "a.png"), join(root, "NORMAL", "b.png"));
  await Deno.symlink(join(elsewhere, "gone.png"), join(root, "NORMAL", "c.png"));
  const d = await discoverImages(root);
  assert.deepEqual(d.images.map((i) => `${i.label} ${i.path}`), [
    "NORMAL NORMAL/IM-0001-0001.png",
    "NORMAL NORMAL/IM-0002-0001.png",
    "PNEUMONIA PNEUMONIA/person1_virus_1.png",
  ]);
  assert.deepEqual(d.skipped, [
    { path: "NORMAL/a.png", reason: "symbolic link loop" },
    { path: "NORMAL/b.png", reason: "symbolic link loop" },
    { path: "NORMAL/c.png", reason: "broken symbolic link (its target does not exist)" },
  ]);
});

Deno.test("discoverImages: a class folder that links to itself or back up is a loop, skipped", async () => {
  const root = await tempDir();
  await put(root, "train/NORMAL/IM-0001-0001.png");
  await put(root, "test/NORMAL/IM-0002-0001.png");
  await Deno.symlink(join(root, "train", "PNEUMONIA"), join(root, "train", "PNEUMONIA")); // itself
  await Deno.symlink(root, join(root, "test", "PNEUMONIA")); // back up to the root
  const d = await discoverImages(root);
  assert.equal(d.images.length, 2);
  assert.deepEqual(d.skipped, [
    { path: "test/PNEUMONIA/", reason: "symbolic link loop (links back up)" },
    { path: "train/PNEUMONIA/", reason: "symbolic link loop" },
  ]);
});
