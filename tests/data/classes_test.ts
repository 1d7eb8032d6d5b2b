import assert from "node:assert/strict";
import {
  assertClassesPresent,
  assertSplitClasses,
  classCounts,
  splitClassFix,
} from "../../lib/data/mod.ts";
import { CxrError } from "../../lib/errors.ts";
import { row } from "./_fixtures.ts";

const n = (i: number) => row(`NORMAL/IM-${i}.png`, "NORMAL", `IM-${i}`);
const p = (i: number) => row(`PNEUMONIA/person${i}_virus_1.png`, "PNEUMONIA", `person${i}`);

Deno.test("classCounts counts rows per label, zero for an absent class", () => {
  assert.deepEqual(classCounts([n(1), n(2)]), { NORMAL: 2, PNEUMONIA: 0 });
});

Deno.test("assertClassesPresent: a class with no usable image is one line naming why", () => {
  assertClassesPresent([n(1), p(1)], "/data/L");
  assert.throws(
    () =>
      assertClassesPresent([n(1)], "/data/L", [{
        path: "PNEUMONIA/",
        reason: "empty class folder",
      }]),
    (e: unknown) =>
      e instanceof CxrError &&
      e.message.startsWith(
        "no usable PNEUMONIA images in /data/L (PNEUMONIA/: empty class folder); both classes " +
          "are needed: expected <root>/{train,val,test}/{NORMAL,PNEUMONIA}/",
      ),
  );
  const unreadable = [1, 2, 3, 4, 5].map((i) => ({
    path: `train/PNEUMONIA/p${i}.jpeg`,
    reason: "not a readable image",
  }));
  assert.throws(
    () =>
      assertClassesPresent([n(1)], "/d", [
        { path: "train/NORMAL/x.txt", reason: "r" },
        ...unreadable,
      ]),
    /no usable PNEUMONIA images in \/d \(train\/PNEUMONIA\/p1\.jpeg: not a readable image; .*p3\.jpeg: not a readable image; 2 more in skipped\.csv\)/,
  );
});

Deno.test("assertSplitClasses: every non-empty side needs both classes", () => {
  assertSplitClasses({ train: [n(1), p(1)], val: [n(2), p(2)], test: [] }, "s", "fix");
  assert.throws(
    () =>
      assertSplitClasses(
        { train: [n(1), p(1)], val: [n(2), n(3)], test: [n(4), p(4)] },
        "the official split of /d",
        splitClassFix("official"),
      ),
    (e: unknown) =>
      e instanceof CxrError &&
      e.message ===
        "the val side of the official split of /d has no PNEUMONIA images (only 2 NORMAL); both " +
          "classes are needed; the official split uses the Kaggle train/, val/ and test/ folders " +
          "as they are: add the missing images there, or use --split patient or paper",
  );
});
