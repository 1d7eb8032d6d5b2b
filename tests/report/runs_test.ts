import assert from "node:assert/strict";
import { logSpanMinutes } from "../../lib/report/mod.ts";

Deno.test("logSpanMinutes: first to last timestamped line of a train.log", () => {
  const log = [
    "2026-11-29T20:42:53.000Z training mobilenetv2 (full) at 224px on 4682 images",
    "progress line without a timestamp",
    "2026-11-29T20:45:01.500Z stage 1: frozen features ready",
    "2026-11-29T21:10:23.000Z epoch 12/15 stage 2: loss 0.05",
    "",
  ].join("\n");
  assert.equal(logSpanMinutes(log), 27.5);
  assert.equal(logSpanMinutes("2026-11-29T20:42:53.000Z only one line\n"), undefined);
  assert.equal(logSpanMinutes(""), undefined);
});
