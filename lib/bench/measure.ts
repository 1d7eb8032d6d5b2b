/**
 * Timing helpers of the bench: median, process CPU seconds and peak resident memory.
 *
 * @module
 */
import process from "node:process";

/** One measured piece of work: per-repeat wall and CPU seconds, peak RSS during the repeats. */
export interface BenchRow {
  /** Row key: "prepare", "inference", "stage1", "stage2" or "full". */
  name: string;
  /** Images processed per repeat. */
  images: number;
  /** Wall-clock seconds of each repeat. */
  wall: number[];
  /** CPU seconds (user + system, all threads) of each repeat. */
  cpu: number[];
  /** Peak resident set size over the repeats, MiB (null where the OS does not say). */
  peakRssMb: number | null;
  /** Why the row could not be measured (e.g. out of memory); wall/cpu are then empty. */
  error?: string;
}

/** The work both engines measure, so their rows compare like with like. */
export interface BenchWorkload {
  /** Square input side in pixels. */
  size: number;
  /** Images per step. */
  batch: number;
  /** Untimed runs before each row. */
  warmup: number;
  /** Timed runs per row (the median is reported). */
  repeats: number;
  /** Rows to measure, from "prepare", "inference", "stage1", "stage2", "full". */
  rows: readonly string[];
  /** Image files for the "prepare" row. */
  files: readonly string[];
}

/** Options of {@linkcode measure}. */
export interface MeasureOptions {
  /** Untimed runs first (compilation, allocation). Default 1. */
  warmup?: number;
  /** Timed runs. Default 5. */
  repeats?: number;
}

/** Median of a non-empty list (mean of the two middle values for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of an empty list");
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** CPU seconds this process has used so far, all threads (wasm workers included). */
export function cpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

/** Parses `VmHWM` (peak RSS) from a /proc/<pid>/status text, in MiB; null if absent. */
export function parsePeakRssMb(status: string): number | null {
  const m = status.match(/^VmHWM:\s+(\d+)\s+kB/m);
  return m ? Number(m[1]) / 1024 : null;
}

/** Peak RSS of this process so far in MiB (Linux), else null. */
export function peakRssMb(): number | null {
  try {
    return parsePeakRssMb(Deno.readTextFileSync("/proc/self/status"));
  } catch {
    return null;
  }
}

/** Starts a new peak-RSS window (Linux `clear_refs` 5); silently does nothing elsewhere. */
export function resetPeakRss(): void {
  try {
    Deno.writeTextFileSync("/proc/self/clear_refs", "5");
  } catch {
    // Not Linux or not permitted: the peak then covers the whole process.
  }
}

/**
 * Runs `work` `warmup` times untimed, then `repeats` times timed, and returns the row. An error
 * thrown by `work` (e.g. the wasm heap running out) is recorded in the row, not rethrown.
 */
export async function measure(
  name: string,
  images: number,
  work: () => Promise<void> | void,
  opts: MeasureOptions = {},
): Promise<BenchRow> {
  const wall: number[] = [];
  const cpu: number[] = [];
  try {
    for (let i = 0; i < (opts.warmup ?? 1); i++) await work();
    resetPeakRss();
    for (let i = 0; i < (opts.repeats ?? 5); i++) {
      const c0 = cpuSeconds();
      const t0 = performance.now();
      await work();
      wall.push((performance.now() - t0) / 1000);
      cpu.push(cpuSeconds() - c0);
    }
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    return { name, images, wall: [], cpu: [], peakRssMb: peakRssMb(), error: why.split("\n")[0] };
  }
  return { name, images, wall, cpu, peakRssMb: peakRssMb() };
}
