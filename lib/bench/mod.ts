/**
 * `deno task bench`: MobileNetV2 speed of the active tfjs backend beside PyTorch on the same
 * machine (image preparation, inference, stage-1/stage-2/full training steps), with the
 * helpers it is built from.
 *
 * ```ts
 * import { formatTable, runTfjsBench } from "./lib/bench/mod.ts";
 * const rows = await runTfjsBench({ size: 96, batch: 4, warmup: 1, repeats: 3, rows: ["inference"], files: [] });
 * console.log(formatTable({ date: new Date().toISOString(), size: 96, batch: 4, repeats: 3, warmup: 1,
 *   machine: "2 CPUs", tfjs: { engine: "tfjs wasm", rows }, torch: null }));
 * ```
 *
 * @module
 */
export {
  type BenchRow,
  type BenchWorkload,
  cpuSeconds,
  measure,
  type MeasureOptions,
  median,
  parsePeakRssMb,
  peakRssMb,
  resetPeakRss,
} from "./measure.ts";
export {
  benchJson,
  type BenchReport,
  type EngineResult,
  formatTable,
  ROW_LABELS,
  throughput,
} from "./report.ts";
export { runTfjsBench, type TfjsBenchOptions } from "./tfjs_bench.ts";
export { runTorchBench, type TorchBenchOptions } from "./torch.ts";
export { main } from "./main.ts";
export {
  formatProfile,
  type KernelProfile,
  type KernelStat,
  profileKernels,
  type ProfileOptions,
} from "./kernel_profile.ts";
