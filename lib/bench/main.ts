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
import { initBackend, parseBackendName } from "../backend.ts";
import { CxrError, fail } from "../errors.ts";
import { dataRoot, outputsDir, WORKSPACE_ROOT } from "../paths.ts";
import { writeFileAtomic, writeJsonAtomic } from "../util/atomic.ts";
import { benchJson, type BenchReport, formatTable, ROW_LABELS, throughput } from "./report.ts";
import { runTfjsBench } from "./tfjs_bench.ts";
import { runTorchBench } from "./torch.ts";
import { median } from "./measure.ts";

const HELP = `usage: deno task bench [flags]

Measures MobileNetV2 on the active tfjs backend and, when /usr/bin/python3 can import torch and
torchvision, with PyTorch on the same cores: image preparation (decode + resize), inference, a
stage-1 step (frozen base, head trained), a stage-2 step (fine-tuning from --fine-tune-from) and
a full training step. Median of --repeats after --warmup; CPU seconds and peak RSS beside wall
time. Prints a markdown table (ratio = tfjs img/s / PyTorch img/s) and writes
outputs/bench/bench-<time>.json and .md.

On the wasm backend a full training step at 224 px keeps every activation in the 4 GiB wasm
heap: at batch 32 it crawls near the limit, so measure that row at a smaller batch, e.g.
  deno task bench --rows prepare,inference,stage1,stage2 && deno task bench --rows full --batch 8

  --size N             input side in pixels (default 224)
  --batch N            images per step (default 32)
  --repeats N          timed repeats (default 5)
  --warmup N           untimed runs first (default 1)
  --rows LIST          comma list of ${Object.keys(ROW_LABELS).join(",")} (default all)
  --backend NAME       tensorflow | webgpu | wasm | cpu (default: CXR_BACKEND, else the fastest)
  --threads N          wasm and PyTorch threads (default: CXR_THREADS, else the logical cores)
  --prepare-images N   images decoded in the preparation row (default 64)
  --fine-tune-from L   first layer trained in stage 2 (default block_13_expand)
  --data DIR           dataset root for the preparation row (default: CXR_DATA_DIR, else
                       data/chest_xray, else ../shared/data/chest_xray)
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

/** CLI entry point. */
export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      size: { type: "string" },
      batch: { type: "string" },
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
  const threads = threadsFlag ??
    Number(info.device.match(/(\d+) threads?/)?.[1] ?? navigator.hardwareConcurrency);

  let root = dataRoot(values.data);
  if (!values.data && !existsSync(root)) {
    root = join(WORKSPACE_ROOT, "..", "shared", "data", "chest_xray");
  }
  const files = rows.includes("prepare")
    ? pickImages(root, positiveInt("prepare-images", values["prepare-images"], 64))
    : [];
  if (rows.includes("prepare") && files.length === 0) {
    console.log(`no images under ${root}/train: preparation row skipped`);
  }

  const common = { size, batch, warmup, repeats, rows, files };
  console.log(
    `bench: MobileNetV2 ${size}px batch ${batch}, ${warmup} warm-up + ${repeats} repeats, rows ${
      rows.join(",")
    }`,
  );
  const tfjsRows = await runTfjsBench({
    ...common,
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
    const r = await runTorchBench({ ...common, threads });
    if ("skipped" in r) torchSkipped = r.skipped;
    else torch = r;
  }
  const tfjsVersion = (await import("@tensorflow/tfjs")).version.tfjs;
  const report: BenchReport = {
    date: new Date().toISOString(),
    size,
    batch,
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
  } catch (e) {
    if (!(e instanceof CxrError)) throw e;
    console.error(`error: ${e.message}`);
    Deno.exit(e.exitCode);
  }
}
