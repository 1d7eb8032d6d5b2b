import assert from "node:assert/strict";
import { CxrError } from "../../lib/errors.ts";
import { binomialHalfCdf, mcnemarExact, mcnemarPredictions } from "../../lib/metrics/mod.ts";
import { assertClose } from "./_approx.ts";

Deno.test("binomialHalfCdf: hand values", () => {
  assertClose(binomialHalfCdf(1, 6), 7 / 64);
  assertClose(binomialHalfCdf(0, 10), 1 / 1024);
  assertClose(binomialHalfCdf(10, 10), 1);
  assertClose(binomialHalfCdf(2, 2000), (1 + 2000 + 1999000) / 2 ** 2000, 1e-300);
});

Deno.test("mcnemarExact: discordant counts and two-sided p", () => {
  const y = [1, 1, 1, 1, 1, 1, 0, 0];
  const a = [1, 0, 0, 0, 0, 0, 0, 1]; // right on 0 and 6
  const b = [0, 1, 1, 1, 1, 1, 0, 1]; // right on 1..6
  const r = mcnemarExact(y, a, b);
  assert.equal(r.b, 1); // A right, B wrong: index 0
  assert.equal(r.c, 5); // A wrong, B right: 1..5
  assertClose(r.pValue, 2 * 7 / 64);
});

Deno.test("mcnemarExact: no discordant pairs or balanced -> p = 1", () => {
  assert.deepEqual(mcnemarExact([0, 1], [0, 1], [0, 1]), { b: 0, c: 0, pValue: 1 });
  const r = mcnemarExact([1, 1, 1, 1], [1, 1, 0, 0], [0, 0, 1, 1]);
  assert.equal(r.pValue, 1); // 2 * P(X <= 2 | n 4) = 2 * 11/16 capped at 1
});

Deno.test("mcnemarPredictions: pairs rows by path, any order", () => {
  const a = [
    { path: "x", label: 1 as const, prob: 0.9 }, // A right
    { path: "y", label: 0 as const, prob: 0.7 }, // A wrong
    { path: "z", label: 1 as const, prob: 0.2 }, // A wrong
  ];
  const b = [
    { path: "z", label: 1 as const, prob: 0.8 }, // B right
    { path: "x", label: 1 as const, prob: 0.6 }, // B right
    { path: "y", label: 0 as const, prob: 0.1 }, // B right
  ];
  assert.deepEqual(mcnemarPredictions(a, b), { b: 0, c: 2, pValue: 0.5 }); // 2 * (1/4)
  assert.throws(() => mcnemarPredictions(a, b.slice(1)), CxrError);
  assert.throws(
    () => mcnemarPredictions(a, [...b.slice(1), { path: "w", label: 1, prob: 1 }]),
    /first predictions only/,
  );
});
