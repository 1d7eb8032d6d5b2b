import assert from "node:assert/strict";
import { describeRow, formatTable, LiveTable } from "../../lib/sweep/mod.ts";
import { errorLine, lastFailure, LOG_MARK } from "../../lib/sweep/mod.ts";

Deno.test("rows say queued, running epoch k/E, done with accuracy, failed with the error", () => {
  assert.equal(
    describeRow({ name: "x", phase: "queued", resumeFrom: 3 }),
    "queued (resumes after epoch 3)",
  );
  assert.equal(
    describeRow({ name: "x", phase: "running", epochsDone: 2, epochs: 15 }),
    "running epoch 3/15",
  );
  assert.equal(
    describeRow({ name: "x", phase: "running", epochsDone: 15, epochs: 15 }),
    "running epoch 15/15",
  );
  assert.equal(
    describeRow({ name: "x", phase: "done", accuracy: 0.95912 }),
    "done, test accuracy 0.9591",
  );
  assert.equal(
    describeRow({ name: "x", phase: "failed", error: "error: no data" }),
    "failed: error: no data",
  );
  assert.deepEqual(
    formatTable([{ name: "a/b", phase: "queued" }, { name: "abcdef", phase: "evaluating" }], "t"),
    [
      "a/b     queued",
      "abcdef  evaluating on the test split",
      "t",
    ],
  );
});

Deno.test("LiveTable prints changed rows off a terminal and redraws on one", () => {
  let text = "";
  const plain = new LiveTable({ tty: false, write: (t) => (text += t) });
  plain.update([{ name: "a", phase: "queued" }, { name: "b", phase: "queued" }], "left 1 min");
  plain.update([{ name: "a", phase: "running", epochsDone: 0, epochs: 2 }, {
    name: "b",
    phase: "queued",
  }], "left 1 min");
  plain.update([{ name: "a", phase: "running", epochsDone: 0, epochs: 2 }, {
    name: "b",
    phase: "queued",
  }], "x");
  assert.equal(text, "a: queued\nb: queued\n  left 1 min\na: running epoch 1/2\n  left 1 min\n");
  text = "";
  const tty = new LiveTable({ tty: true, write: (t) => (text += t) });
  tty.update([{ name: "a", phase: "queued" }], "f");
  tty.update([{ name: "a", phase: "done", accuracy: 1 }], "f");
  assert.equal(text, "a     queued\nf\n\x1b[2A\x1b[Ja     done, test accuracy 1.0000\nf\n");
});

Deno.test("errors: the last error line of a command, the last attempt's failure in a log", async () => {
  assert.equal(
    errorLine("loading\nerror: first\nmore\nerror: cannot read /x\n"),
    "error: cannot read /x",
  );
  assert.equal(errorLine("a\nUncaught TypeError: boom\n"), "Uncaught TypeError: boom");
  const dir = await Deno.makeTempDir();
  try {
    const log = `${dir}/c.log`;
    assert.equal(await lastFailure(log), undefined);
    await Deno.writeTextFile(log, `${LOG_MARK.start} c\n${LOG_MARK.failed} error: no data\n`);
    assert.equal(await lastFailure(log), "error: no data");
    await Deno.writeTextFile(log, `${LOG_MARK.start} c\n`, { append: true });
    assert.equal(await lastFailure(log), undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
