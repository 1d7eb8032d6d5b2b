import assert from "node:assert/strict";
import { progress } from "../../lib/util/progress.ts";

Deno.test("progress writes one line per 10% when not on a terminal", () => {
  const lines: string[] = [];
  const p = progress("prepare", 100, { tty: false, write: (t) => lines.push(t) });
  for (let i = 0; i < 100; i++) p.tick();
  p.done();
  assert.equal(lines.length, 10);
  assert.match(lines[0], /^prepare: 10\/100 \(10%\)/);
  assert.match(lines[9], /^prepare: 100\/100 \(100%\)/);
});
