import assert from "node:assert/strict";
import {
  cellSecondsLeft,
  DEFAULT_CELL_OVERHEAD_SECONDS,
  DEFAULT_EPOCH_SECONDS,
  epochRates,
  expandGrid,
  formatDuration,
  lowerQuartile,
  plannedEpochs,
  sweepSecondsLeft,
} from "../../lib/sweep/mod.ts";
import type { CellDiskState } from "../../lib/sweep/mod.ts";

const empty: CellDiskState = { finished: false, epochs: 0, epochTimes: [] };

Deno.test("estimate: lower quartile, nearest rank", () => {
  assert.ok(Number.isNaN(lowerQuartile([])));
  assert.equal(lowerQuartile([7]), 7);
  assert.equal(lowerQuartile([300, 100]), 100); // ceil(2/4) = 1st
  assert.equal(lowerQuartile([5, 1, 4, 2, 3]), 2); // ceil(5/4) = 2nd
  // Two epochs slowed by other work on the machine do not move it; a mean would be 417.
  assert.equal(lowerQuartile([216, 214, 225, 1924, 867, 194, 235, 889]), 214);
});

Deno.test("estimate: measured epochs per model and stage (lower quartile), defaults elsewhere", () => {
  const [a, b, c] = expandGrid({ models: ["mobilenetv2"], splits: ["paper"], seeds: [1, 2, 3] });
  const started: CellDiskState = {
    finished: false,
    epochs: 3,
    epochTimes: [{ stage: 1, seconds: 120 }, { stage: 1, seconds: 110 }, {
      stage: 2,
      seconds: 300,
    }],
  };
  const done: CellDiskState = {
    finished: true,
    accuracy: 0.9,
    epochs: 1,
    epochTimes: [{ stage: 2, seconds: 340 }, { stage: 2, seconds: 320 }, {
      stage: 2,
      seconds: 900,
    }],
  };
  const items = [{ cell: a, state: started }, { cell: b, state: done }, { cell: c, state: empty }];
  const rates = epochRates("full", items);
  assert.deepEqual(rates.seconds.mobilenetv2, [110, 300]);
  assert.deepEqual(rates.measured.mobilenetv2, [true, true]);
  assert.deepEqual(rates.seconds.baseline, DEFAULT_EPOCH_SECONDS.full.baseline.concat(300));
  assert.deepEqual(plannedEpochs("full", "mobilenetv2", null), [5, 10]);
  assert.deepEqual(plannedEpochs("full", "mobilenetv2", { stage2Epochs: 2 }), [5, 2]);
  const overhead = DEFAULT_CELL_OVERHEAD_SECONDS.full;
  // Cell a: 3 stage-1 and 9 stage-2 epochs left; cell c: all 5 + 10.
  assert.equal(cellSecondsLeft("full", a, started, rates), overhead + 3 * 110 + 9 * 300);
  assert.equal(cellSecondsLeft("full", b, done, rates), 0);
  const total = 2 * overhead + 3 * 110 + 9 * 300 + 5 * 110 + 10 * 300;
  assert.equal(sweepSecondsLeft("full", items, 1), total);
  assert.equal(sweepSecondsLeft("full", items, 2), total / 2);
  assert.equal(sweepSecondsLeft("full", items, 8), total / 2); // two cells left
});

Deno.test("formatDuration", () => {
  assert.equal(formatDuration(20.4), "20 s");
  assert.equal(formatDuration(95), "2 min");
  assert.equal(formatDuration(5400), "1 h 30 min");
  assert.equal(formatDuration(7200), "2 h");
});
