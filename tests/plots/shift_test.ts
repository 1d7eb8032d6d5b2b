import assert from "node:assert/strict";
import {
  boxPlotSpec,
  boxSummary,
  camMassSpec,
  compileSpec,
  probabilityHistogram,
  probabilityHistogramSpec,
  quantile,
  renderSvg,
} from "../../lib/plots/mod.ts";

Deno.test("quantile and boxSummary: numpy's linear interpolation, NaN left out", () => {
  assert.equal(quantile([1, 2, 3, 4], 0.25), 1.75);
  assert.equal(quantile([1, 2, 3, 4], 0.5), 2.5);
  assert.ok(Number.isNaN(quantile([], 0.5)));
  const b = boxSummary("g", "mean", [4, NaN, 1, 3, 2, 5]);
  assert.deepEqual(b, {
    group: "g",
    quantity: "mean",
    n: 5,
    min: 1,
    q1: 2,
    median: 3,
    q3: 4,
    max: 5,
  });
});

Deno.test("probabilityHistogram: counts and shares per group; 1.0 falls in the last bin", () => {
  const bins = probabilityHistogram({ a: [0, 0.05, 0.5, 1], b: [0.99] }, 10);
  assert.equal(bins.length, 20);
  const a = bins.filter((b) => b.group === "a");
  assert.deepEqual(a.map((b) => b.count), [2, 0, 0, 0, 0, 1, 0, 0, 0, 1]);
  assert.equal(a[0].share, 0.5);
  assert.equal(a[9].share, 0.25);
  assert.equal(bins.find((b) => b.group === "b" && b.bin === 0.9)!.share, 1);
});

Deno.test("shift figures compile and render", async () => {
  const specs = [
    boxPlotSpec([boxSummary("a", "mean", [1, 2, 3]), boxSummary("b", "mean", [2, 3, 4])]),
    probabilityHistogramSpec(probabilityHistogram({ a: [0.1, 0.9] })),
    camMassSpec([
      { outcome: "FP", correct: false, region: "lung box", mass: 0.2 },
      { outcome: "TN", correct: true, region: "lung box", mass: NaN },
    ]),
  ];
  for (const spec of specs) {
    await compileSpec(spec);
    assert.match(await renderSvg(spec), /^<svg/);
  }
  // NaN masses (all-zero heatmaps) are left out of the points.
  const values = (specs[2] as { data: { values: unknown[] } }).data.values;
  assert.equal(values.length, 1);
});
