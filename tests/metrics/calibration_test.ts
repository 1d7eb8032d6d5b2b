import assert from "node:assert/strict";
import {
  brierScore,
  expectedCalibrationError,
  logLoss,
  reliabilityCurve,
} from "../../lib/metrics/mod.ts";
import { assertClose, TIES } from "./_approx.ts";

Deno.test("logLoss: hand value and eps clipping", () => {
  const expected = -(Math.log(0.8) + Math.log(0.2) + Math.log(0.4) + Math.log(0.6) +
    2 * Math.log(0.9)) / 6;
  assertClose(logLoss(TIES.y, TIES.p), expected);
  assertClose(logLoss(TIES.y, TIES.p), 0.5784031417840181, 1e-15); // scikit-learn 1.9.1
  // A certain mistake costs -log(eps) with eps = 2^-52, not Infinity.
  assertClose(logLoss([0, 1], [1, 0]), 52 * Math.LN2, 1e-9);
  assertClose(
    logLoss([1, 1, 1], [0.2, 0.6, 0.9]),
    -(Math.log(0.2) + Math.log(0.6) + Math.log(0.9)) / 3,
  );
});

Deno.test("brierScore: hand value", () => {
  assertClose(brierScore(TIES.y, TIES.p), (0.04 + 0.64 + 0.36 + 0.16 + 0.01 + 0.01) / 6);
  assert.equal(brierScore([0, 1], [0, 1]), 0);
});

Deno.test("reliabilityCurve: right-closed bins, edges like numpy linspace", () => {
  const bins = reliabilityCurve(TIES.y, TIES.p);
  assert.equal(bins.length, 10);
  assert.deepEqual(bins.map((b) => b.count), [1, 2, 0, 0, 0, 2, 0, 0, 1, 0]);
  assert.equal(bins[0].lo, 0);
  assert.equal(bins[9].hi, 1);
  assertClose(bins[1].meanProb, 0.2); // 0.2 sits on an edge: the lower bin (0.1, 0.2]
  assert.equal(bins[1].fracPositive, 0.5);
  assert.ok(Number.isNaN(bins[2].meanProb));
  assert.deepEqual(reliabilityCurve([1, 0], [0, 1], { nBins: 2 }).map((b) => b.count), [1, 1]);
});

Deno.test("expectedCalibrationError: weighted gap over bins", () => {
  // bins: {0.1: y0} gap .1; {0.2,0.2: y 0,1} gap .3; {0.6,0.6: 0,1} gap .1; {0.9: 1} gap .1.
  assertClose(expectedCalibrationError(TIES.y, TIES.p), (0.1 + 0.6 + 0.2 + 0.1) / 6, 1e-12);
  assertClose(expectedCalibrationError([0, 1], [0, 1]), 0);
  assertClose(expectedCalibrationError([0, 1, 0, 1], [0.3, 0.3, 0.3, 0.3]), 0.2);
});
