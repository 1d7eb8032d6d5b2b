import assert from "node:assert/strict";
import { measure, median, parsePeakRssMb } from "../../lib/bench/measure.ts";
import { benchJson, type BenchReport, formatTable, throughput } from "../../lib/bench/report.ts";
import { FULL_STEP_BATCH } from "../../lib/bench/main.ts";

Deno.test("median of odd and even counts, unsorted input untouched", () => {
  const xs = [5, 1, 3];
  assert.equal(median(xs), 3);
  assert.deepEqual(xs, [5, 1, 3]);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.throws(() => median([]));
});

Deno.test("parsePeakRssMb reads VmHWM in kB as MiB", () => {
  const status = "Name:\tdeno\nVmPeak:\t 999 kB\nVmHWM:\t  204800 kB\nVmRSS:\t 1 kB\n";
  assert.equal(parsePeakRssMb(status), 200);
  assert.equal(parsePeakRssMb("Name:\tx\n"), null);
});

Deno.test("measure runs warm-up + repeats and records a thrown error instead of rethrowing", async () => {
  let calls = 0;
  const row = await measure("inference", 8, () => {
    calls++;
  }, { warmup: 2, repeats: 3 });
  assert.equal(calls, 5);
  assert.equal(row.wall.length, 3);
  assert.equal(row.cpu.length, 3);
  assert.equal(row.images, 8);
  const failed = await measure("full", 8, () => {
    throw new Error("Out of memory\nstack");
  });
  assert.equal(failed.error, "Out of memory");
  assert.deepEqual(failed.wall, []);
  assert.equal(throughput(failed), null);
});

const report: BenchReport = {
  date: "2026-01-01T00:00:00.000Z",
  size: 224,
  batch: 32,
  repeats: 3,
  warmup: 1,
  machine: "2 logical CPUs, linux x86_64",
  tfjs: {
    engine: "tfjs 4.22.0 wasm (SIMD, 2 threads)",
    rows: [
      { name: "inference", images: 32, wall: [2, 4, 3], cpu: [4, 8, 6], peakRssMb: 900 },
      { name: "full", images: 32, wall: [], cpu: [], peakRssMb: 4000, error: "out of memory" },
    ],
  },
  torch: {
    engine: "PyTorch 1.13.0 (2 threads)",
    rows: [
      { name: "inference", images: 32, wall: [1, 1.6, 1.5], cpu: [3, 3, 3], peakRssMb: 500.4 },
      { name: "full", images: 32, wall: [4], cpu: [8], peakRssMb: 800 },
    ],
  },
};

Deno.test("formatTable: one line per measured row, img/s from the median, ratio tfjs/PyTorch", () => {
  const table = formatTable(report);
  const lines = table.trim().split("\n");
  assert.match(lines[0], /MobileNetV2 224x224, batch 32, median of 3/);
  const inference = lines.find((l) => l.startsWith("| inference |"))!;
  // tfjs: 32 / median(2,4,3)=3 -> 10.67 img/s; PyTorch: 32 / 1.5 -> 21.33; ratio 0.50.
  assert.equal(
    inference,
    "| inference | 10.67 | 21.33 | 0.50 | 3.000 | 1.500 | 6.00 | 3.00 | 900 | 500 |",
  );
  const full = lines.find((l) => l.startsWith("| full training step |"))!;
  assert.match(full, /\| failed: out of memory \| 8\.00 \| – \|/);
  assert.ok(!table.includes("stage-2"), "rows measured by neither engine are left out");
});

Deno.test("benchJson summarises each row and marks a missing PyTorch", () => {
  const json = benchJson(report) as { summary: { name: string; ratio: number | null }[] };
  assert.deepEqual(json.summary.map((s) => s.name), ["inference", "full"]);
  assert.ok(Math.abs(json.summary[0].ratio! - 0.5) < 1e-12);
  assert.equal(json.summary[1].ratio, null);
  const noTorch = formatTable({ ...report, torch: null, torchSkipped: "PyTorch not importable" });
  assert.match(noTorch, /PyTorch: skipped \(PyTorch not importable\)/);
  assert.match(noTorch, /\| inference \| 10\.67 \| – \| – \|/);
});

Deno.test("formatTable: a full row measured at its own batch says so in its label", () => {
  const rows = (images: number) => [
    { name: "prepare", images: 64, wall: [1], cpu: [1], peakRssMb: 100 },
    { name: "stage2", images: 32, wall: [2], cpu: [4], peakRssMb: 900 },
    { name: "full", images, wall: [2], cpu: [4], peakRssMb: 900 },
  ];
  const table = formatTable({
    ...report,
    fullBatch: 8,
    tfjs: { engine: "tfjs", rows: rows(8) },
    torch: { engine: "PyTorch", rows: rows(8) },
  });
  // 8 images / 2 s = 4 img/s; the preparation row counts images, not a batch.
  assert.match(table, /\n\| full training step \(batch 8\) \| 4\.00 \| 4\.00 \| 1\.00 \|/);
  assert.match(table, /\n\| stage-2 step \(fine-tune top of base\) \| 16\.00 \|/);
  assert.match(table, /\n\| image preparation \(decode \+ resize\) \| 64\.00 \|/);
});

Deno.test("every backend has a full-step batch no larger than the default batch", () => {
  assert.deepEqual(Object.keys(FULL_STEP_BATCH).sort(), ["cpu", "tensorflow", "wasm", "webgpu"]);
  assert.ok(Object.values(FULL_STEP_BATCH).every((n) => Number.isInteger(n) && n >= 1 && n <= 32));
  assert.equal(FULL_STEP_BATCH.wasm, 8);
});
