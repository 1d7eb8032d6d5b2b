/**
 * `deno task bench`: MobileNetV2 speed of the active tfjs backend beside PyTorch on the same
 * machine (image preparation, inference, stage-1/stage-2/full training steps), with the
 * helpers it is built from.
 *
 * @example Inference speed of the active backend at 96 px
 * ```ts
 * import { initBackend } from "../backend.ts";
 * import { formatTable, runTfjsBench } from "./mod.ts";
 * const { name } = await initBackend({ quiet: true });
 * const workload = { size: 96, batch: 4, warmup: 1, repeats: 2 };
 * const rows = await runTfjsBench({ ...workload, rows: ["inference"], files: [] });
 * const date = new Date().toISOString();
 * const tfjs = { engine: `tfjs ${name}`, rows };
 * console.log(formatTable({ ...workload, date, machine: "this one", tfjs, torch: null }));
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
