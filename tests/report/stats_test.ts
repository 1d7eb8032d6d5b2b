import assert from "node:assert/strict";
import { fmtCi, fmtMeanSd, meanSd } from "../../lib/report/mod.ts";

Deno.test("meanSd: sample SD (n - 1), checked by hand", () => {
  const a = meanSd([0.9, 0.7]);
  assert.ok(Math.abs(a.mean - 0.8) < 1e-12);
  assert.ok(Math.abs(a.sd - Math.sqrt(0.02)) < 1e-12); // (0.01 + 0.01) / 1
  const b = meanSd([1, 2, 3, 4]);
  assert.equal(b.mean, 2.5);
  assert.ok(Math.abs(b.sd - Math.sqrt(5 / 3)) < 1e-12); // (2.25 + 0.25 + 0.25 + 2.25) / 3
});

Deno.test("meanSd: missing values dropped, one value has no SD", () => {
  const m = meanSd([0.5, NaN, null, undefined]);
  assert.deepEqual([m.mean, m.n], [0.5, 1]);
  assert.ok(Number.isNaN(m.sd));
  assert.equal(fmtMeanSd(m), "0.500");
  assert.equal(fmtMeanSd(meanSd([])), "—");
  assert.equal(fmtMeanSd(meanSd([0.9, 0.7])), "0.800 ± 0.141");
  assert.equal(fmtCi([0.1234, 0.5]), "[0.123, 0.500]");
  assert.equal(fmtCi([null, 0.5]), "—");
});
