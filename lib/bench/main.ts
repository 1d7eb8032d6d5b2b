/**
 * `deno task bench`: MobileNetV2 speed on the active tfjs backend beside PyTorch on the same
 * machine (when `/usr/bin/python3` can import torch), for image preparation, inference and the
 * three training steps. Prints a markdown table and writes JSON + markdown to outputs/bench/.
 *
 * @module
 */
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { type BackendName, initBackend, parseBackendName } from "../backend.ts";
import { userErrorExitCode } from "../cli/exit.ts";
import { fail } from "../errors.ts";
import { dataRoot, outputsDir } from "../paths.ts";
import { writeFileAtomic, writeJsonAtomic } from "../util/atomic.ts";
import {
  benchJson,
  type BenchReport,
  type EngineResult,
  formatTable,
  ROW_LABELS,
  throughput,
} from "./report.ts";
import { runTfjsBench } from "./tfjs_bench.ts";
import { runTorchBench } from "./torch.ts";
import { type BenchWorkload, median } from "./measure.ts";

/**
 * Default batch of the `full` row per backend: a full step keeps every activation, which at
 * batch 32 and 224 px nears the wasm heap's 4 GiB and the storage-binding limits of many GPUs.
 */
export const FULL_STEP_BATCH: Readonly<Record<BackendName, number>> = {
  tensorflow: 32,
  webgpu: 8,
  wasm: 8,
  cpu: 4,
};

const HELP = `usage: deno task bench [flags]

Measures MobileNetV2 on the active tfjs backend and, when /usr/bin/python3 can import torch and
torchvision, with PyTorch on the same cores: image preparation (decode + resize), inference, a
stage-1 step (frozen base, head trained), a stage-2 step (fine-tuning from --fine-tune-from) and
a full training step. Median of --repeats after --warmup; CPU seconds and peak RSS beside wall
time. Prints a markdown table (ratio = tfjs img/s / PyTorch img/s) and writes
outputs/bench/bench-<time>.json and .md.

A full training step keeps every activation: on the wasm backend at batch 32 and 224 px that
nears the 4 GiB wasm heap and crawls, so the full row has its own batch per backend
(${Object.entries(FULL_STEP_BATCH).map(([b, n]) => `${b} ${n}`).join(", ")}), shown beside it.

  --size N             input side in pixels (default 224)
  --batch N            images per step (default 32)
  --full-batch N       images per step of the full row (default: --batch when given, else the
                       backend's value above)
  --repeats N          timed repeats (default 5)
  --warmup N           untimed runs first (default 1)
  --rows LIST          comma list of ${Object.keys(ROW_LABELS).join(",")} (default all)
  --backend NAME       tensorflow | webgpu | wasm | cpu (default: CXR_BACKEND, else the fastest)
  --threads N          wasm and PyTorch threads (default: CXR_THREADS, else the logical cores)
  --prepare-images N   images decoded in the preparation row (default 64)
  --fine-tune-from L   first layer trained in stage 2 (default block_13_expand)
  --data DIR           dataset root for the preparation row (default: CXR_DATA_DIR, else
                       data/chest_xray)
  --no-torch           skip PyTorch
  --out DIR            output folder (default outputs/bench)
`;

function positiveInt(name: string, v: string | undefined, dflt: number): number {
  if (v == null) return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) {
    fail(`--${name} ${v}: expected a positive integer`, { exitCode: 2 });
  }
  return n;
}

/** First `n` images of the dataset's train folders (sorted, NORMAL and PNEUMONIA alternating). */
function pickImages(root: string, n: number): string[] {
  const lists = ["NORMAL", "PNEUMONIA"].map((label) => {
    const dir = join(root, "train", label);
    return existsSync(dir)
      ? readdirSync(dir).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort().map((f) => join(dir, f))
      : [];
  });
  const out: string[] = [];
  for (let i = 0; out.length < n && (i < lists[0].length || i < lists[1].length); i++) {
    for (const l of lists) if (i < l.length && out.length < n) out.push(l[i]);
  }
  return out;
}

/** PyTorch on the same rows: the full row in a run of its own when its batch differs. */
async function runTorchRows(
  common: BenchWorkload,
  fullBatch: number,
  threads: number,
): Promise<EngineResult | { skipped: string }> {
  const apart = common.rows.includes("full") && fullBatch !== common.batch;
  const rest = apart ? common.rows.filter((r) => r !== "full") : common.rows;
  const first = rest.length > 0
    ? await runTorchBench({ ...common, rows: rest, threads })
    : { engine: "", rows: [] };
  if (!apart || "skipped" in first) return first;
  const full = await runTorchBench({ ...common, rows: ["full"], batch: fullBatch, threads });
  if ("skipped" in full) return first.engine ? first : full;
  return { engine: full.engine, rows: [...first.rows, ...full.rows] };
}

/** CLI entry point. */
export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      size: { type: "string" },
      batch: { type: "string" },
      "full-batch": { type: "string" },
      repeats: { type: "string" },
      warmup: { type: "string" },
      rows: { type: "string" },
      backend: { type: "string" },
      threads: { type: "string" },
      "prepare-images": { type: "string" },
      "fine-tune-from": { type: "string" },
      data: { type: "string" },
      "no-torch": { type: "boolean" },
      out: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const size = positiveInt("size", values.size, 224);
  const batch = positiveInt("batch", values.batch, 32);
  const repeats = positiveInt("repeats", values.repeats, 5);
  const warmup = values.warmup === "0" ? 0 : positiveInt("warmup", values.warmup, 1);
  const rows = (values.rows ?? Object.keys(ROW_LABELS).join(",")).split(",").map((r) => r.trim());
  for (const r of rows) {
    if (!(r in ROW_LABELS)) {
      fail(`--rows: unknown row "${r}"; use ${Object.keys(ROW_LABELS).join(",")}`, { exitCode: 2 });
    }
  }
  const threadsFlag = values.threads ? positiveInt("threads", values.threads, 1) : undefined;
  const info = await initBackend({
    backend: parseBackendName(values.backend),
    threads: threadsFlag,
  });
  const fullBatch = positiveInt(
    "full-batch",
    values["full-batch"] ?? values.batch,
    FULL_STEP_BATCH[info.name],
  );
  const threads = threadsFlag ??
    Number(info.device.match(/(\d+) threads?/)?.[1] ?? navigator.hardwareConcurrency);

  const root = dataRoot(values.data);
  const files = rows.includes("prepare")
    ? pickImages(root, positiveInt("prepare-images", values["prepare-images"], 64))
    : [];
  if (rows.includes("prepare") && files.length === 0) {
    console.log(
      `no images under ${root}/train: preparation row skipped (pass --data DIR or set CXR_DATA_DIR)`,
    );
  }

  const common = { size, batch, warmup, repeats, rows, files };
  const fullNote = rows.includes("full") && fullBatch !== batch ? ` (full: ${fullBatch})` : "";
  console.log(
    `bench: MobileNetV2 ${size}px batch ${batch}${fullNote}, ${warmup} warm-up + ${repeats} ` +
      `repeats, rows ${rows.join(",")}`,
  );
  const tfjsRows = await runTfjsBench({
    ...common,
    fullBatch,
    fineTuneFrom: values["fine-tune-from"],
    onRow: (r) =>
      console.log(
        `  tfjs ${r.name}: ${
          r.error
            ? `failed (${r.error})`
            : `${throughput(r)?.toFixed(2)} img/s, median ${median(r.wall).toFixed(3)} s`
        }`,
      ),
  });
  let torch: BenchReport["torch"] = null;
  let torchSkipped: string | undefined = values["no-torch"] ? "--no-torch" : undefined;
  if (!values["no-torch"]) {
    // torch_bench.py counts features[i] like torchvision; only the default boundary is mapped.
    if (values["fine-tune-from"] && values["fine-tune-from"] !== "block_13_expand") {
      console.log(
        "note: PyTorch stage 2 always starts at block_13_expand (torchvision features[14])",
      );
    }
    const r = await runTorchRows(common, fullBatch, threads);
    if ("skipped" in r) torchSkipped = r.skipped;
    else torch = r;
  }
  const tfjsVersion = (await import("@tensorflow/tfjs")).version.tfjs;
  const report: BenchReport = {
    date: new Date().toISOString(),
    size,
    batch,
    fullBatch: rows.includes("full") ? fullBatch : undefined,
    repeats,
    warmup,
    machine: `${navigator.hardwareConcurrency} logical CPUs, ${Deno.build.os} ${Deno.build.arch}`,
    tfjs: { engine: `tfjs ${tfjsVersion} ${info.name} (${info.device})`, rows: tfjsRows },
    torch,
    torchSkipped,
  };
  const table = formatTable(report);
  console.log("\n" + table);
  const dir = values.out ?? join(outputsDir(), "bench");
  const stamp = report.date.replace(/[:.]/g, "-");
  await writeJsonAtomic(join(dir, `bench-${stamp}.json`), benchJson(report));
  await writeFileAtomic(join(dir, `bench-${stamp}.md`), table);
  console.log(`wrote ${join(dir, `bench-${stamp}.json`)} and .md`);
}

if (import.meta.main) {
  try {
    await main(Deno.args);
  } catch (err) {
    Deno.exit(userErrorExitCode(err, "deno task bench --help"));
  }
}
