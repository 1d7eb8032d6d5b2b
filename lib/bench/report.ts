/**
 * The bench's outputs: a markdown table with the tfjs/PyTorch ratio per row, and a JSON record.
 *
 * @module
 */
import { type BenchRow, median } from "./measure.ts";

/** What one engine measured. */
export interface EngineResult {
  /** e.g. "tfjs 4.22.0 wasm (SIMD, 2 threads)" or "PyTorch 1.13.0 (2 threads)". */
  engine: string;
  rows: BenchRow[];
}

/** Everything one `deno task bench` run measured. */
export interface BenchReport {
  /** ISO time of the run. */
  date: string;
  size: number;
  batch: number;
  /** Batch of the full row when it was measured (it may differ from `batch`). */
  fullBatch?: number;
  repeats: number;
  warmup: number;
  /** CPU and OS, e.g. "2 CPUs, linux x86_64". */
  machine: string;
  tfjs: EngineResult;
  /** Null when PyTorch was not importable; `torchSkipped` says why. */
  torch: EngineResult | null;
  torchSkipped?: string;
}

/** Human labels of the rows, in table order. */
export const ROW_LABELS: Record<string, string> = {
  prepare: "image preparation (decode + resize)",
  inference: "inference",
  stage1: "stage-1 step (frozen base, head trained)",
  stage2: "stage-2 step (fine-tune top of base)",
  full: "full training step",
};

/** Images per second of a row (median repeat), or null if it failed. */
export function throughput(row: BenchRow | undefined): number | null {
  if (!row || row.error || row.wall.length === 0) return null;
  return row.images / median(row.wall);
}

function num(v: number | null | undefined, digits: number): string {
  return v == null || !Number.isFinite(v) ? "–" : v.toFixed(digits);
}

/** The markdown table: one line per row, tfjs beside PyTorch, ratio = tfjs img/s / PyTorch img/s. */
export function formatTable(report: BenchReport): string {
  const head =
    `MobileNetV2 ${report.size}x${report.size}, batch ${report.batch}, median of ${report.repeats} ` +
    `(after ${report.warmup} warm-up), ${report.machine}\n` +
    `tfjs: ${report.tfjs.engine}; PyTorch: ${
      report.torch?.engine ?? `skipped (${report.torchSkipped ?? "not run"})`
    }\n\n`;
  const lines = [
    "| work | tfjs img/s | PyTorch img/s | ratio | tfjs s | PyTorch s | tfjs CPU s | PyTorch CPU s | tfjs peak RSS MiB | PyTorch peak RSS MiB |",
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
  ];
  const names = Object.keys(ROW_LABELS).filter((n) =>
    report.tfjs.rows.some((r) => r.name === n) || report.torch?.rows.some((r) => r.name === n)
  );
  for (const name of names) {
    const a = report.tfjs.rows.find((r) => r.name === name);
    const b = report.torch?.rows.find((r) => r.name === name);
    const ta = throughput(a);
    const tb = throughput(b);
    const cell = (r: BenchRow | undefined, f: (r: BenchRow) => number | null, d: number) =>
      r?.error ? `failed: ${r.error.slice(0, 60)}` : num(r && r.wall.length ? f(r) : null, d);
    const n = (a ?? b)?.images;
    const label = name !== "prepare" && n !== undefined && n !== report.batch
      ? `${ROW_LABELS[name]} (batch ${n})`
      : ROW_LABELS[name];
    lines.push(
      `| ${label} | ${cell(a, () => ta, 2)} | ${cell(b, () => tb, 2)} | ${
        ta != null && tb != null ? (ta / tb).toFixed(2) : "–"
      } | ${cell(a, (r) => median(r.wall), 3)} | ${cell(b, (r) => median(r.wall), 3)} | ${
        cell(a, (r) => median(r.cpu), 2)
      } | ${cell(b, (r) => median(r.cpu), 2)} | ${num(a?.peakRssMb, 0)} | ${
        num(b?.peakRssMb, 0)
      } |`,
    );
  }
  return head + lines.join("\n") + "\n";
}

/** The JSON record written to `outputs/bench/`: the report plus per-row summaries. */
export function benchJson(report: BenchReport): Record<string, unknown> {
  const summary = Object.keys(ROW_LABELS).map((name) => {
    const a = throughput(report.tfjs.rows.find((r) => r.name === name));
    const b = throughput(report.torch?.rows.find((r) => r.name === name));
    return { name, tfjsImgPerS: a, torchImgPerS: b, ratio: a != null && b != null ? a / b : null };
  }).filter((s) => s.tfjsImgPerS != null || s.torchImgPerS != null);
  return { ...report, summary };
}
