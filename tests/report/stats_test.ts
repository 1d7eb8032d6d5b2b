import assert from "node:assert/strict";
import {
  fmtCi,
  fmtMeanSd,
  meanSd,
  studentTCdf,
  studentTQuantile,
  tInterval,
} from "../../lib/report/mod.ts";

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

Deno.test("Student's t quantiles match the printed tables", () => {
  // Two-sided 95% critical values (t_{0.975, df}) from standard tables.
  const table: [number, number][] = [[1, 12.706], [2, 4.303], [4, 2.776], [9, 2.262], [29, 2.045]];
  for (const [df, t] of table) {
    assert.ok(Math.abs(studentTQuantile(0.975, df) - t) < 5e-4, `df ${df}`);
  }
  // df = 1 is the Cauchy distribution: P(T <= 1) = 3/4 exactly.
  assert.ok(Math.abs(studentTCdf(1, 1) - 0.75) < 1e-12);
  assert.ok(Math.abs(studentTCdf(0, 7) - 0.5) < 1e-12);
});

Deno.test("tInterval: mean ± t · SD / sqrt(n), by hand", () => {
  // Values 0.95, 0.96, 0.97, 0.98, 0.99: mean 0.97, SD sqrt(0.00025) = 0.0158114.
  const ci = tInterval(meanSd([0.95, 0.96, 0.97, 0.98, 0.99]))!;
  const half = 2.7764451 * Math.sqrt(0.00025) / Math.sqrt(5); // t_{0.975, 4} = 2.7764451
  assert.ok(Math.abs(ci[0] - (0.97 - half)) < 1e-6 && Math.abs(ci[1] - (0.97 + half)) < 1e-6);
  assert.equal(tInterval(meanSd([0.9])), null);
});
