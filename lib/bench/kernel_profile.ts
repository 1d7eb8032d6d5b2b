/**
 * Per-kernel CPU wall time of a piece of tfjs work (e.g. one training step): every kernel of the
 * active backend is wrapped with a timer while the work runs. On webgpu it also counts
 * `queue.submit` calls and their time (tfjs submits every `WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE`
 * dispatches, inside whichever kernel makes that dispatch) and uploads of CPU data.
 *
 * `sync` (webgpu) submits and waits after every kernel so each kernel's GPU work is charged to
 * it; this relies on a submit waiting for the previous one, which Mesa's lavapipe does (measured:
 * a tiny dispatch after a 1024x1024 matMul took 0.9-1.1 s to submit) and real GPUs need not.
 * Without it, a submit's time is the GPU work queued before it, charged to whichever kernel
 * happened to submit.
 *
 * ```sh
 * CXR_BACKEND=webgpu deno run -A lib/bench/kernel_profile.ts --size 96 --batch 2 --row full
 * deno run -A lib/bench/kernel_profile.ts --model baseline --size 96 --batch 32
 * ```
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { parseArgs } from "node:util";
import { initBackend, parseBackendName } from "../backend.ts";
import { userErrorExitCode } from "../cli/exit.ts";
import { fail } from "../errors.ts";
import { foldedPredict } from "../kernels/mod.ts";
import {
  baselineCnn,
  cutBefore,
  mobileNetV2Classifier,
  MODEL_NAMES,
  splitAt,
} from "../models/mod.ts";
import { adamW } from "../optim/mod.ts";
import { trainStep } from "../train/mod.ts";

/** Totals of one kernel (or one `[...]` event) over the profiled steps. */
export interface KernelStat {
  name: string;
  calls: number;
  ms: number;
  /** Submits made inside this kernel's calls, and their ms (webgpu). */
  submits: number;
  submitMs: number;
}

/** What {@linkcode profileKernels} measured. */
export interface KernelProfile {
  steps: number;
  /** Wall ms of each step. */
  wallMs: number[];
  /** By total ms, largest first; `[queue.submit]` and `[upload]` are events, not kernels. */
  kernels: KernelStat[];
}

/** Options of {@linkcode profileKernels}. */
export interface ProfileOptions {
  /** Timed steps. Default 3. */
  steps?: number;
  /** Untimed steps first (shader compilation, buffer pools). Default 2. */
  warmup?: number;
  /** webgpu: submit and wait after every kernel (see the module doc). Default false. */
  sync?: boolean;
}

interface WebGpuInternals {
  queue: GPUQueue;
  device: GPUDevice;
  commandEncoder: GPUCommandEncoder | null;
  endComputePassEncoder(): void;
  submitQueue(): void;
  uploadToGPU(dataId: object): void;
  tensorMap: { get(dataId: object): { resource: unknown; values: unknown } };
}

/** Runs `work` `warmup + steps` times and returns the per-kernel CPU time of the timed steps. */
export async function profileKernels(
  work: () => Promise<unknown> | unknown,
  opts: ProfileOptions = {},
): Promise<KernelProfile> {
  const steps = opts.steps ?? 3;
  for (let i = 0; i < (opts.warmup ?? 2); i++) await work();
  const stats = new Map<string, KernelStat>();
  const add = (name: string, ms: number, submits = 0, submitMs = 0) => {
    const s = stats.get(name) ?? { name, calls: 0, ms: 0, submits: 0, submitMs: 0 };
    s.calls++;
    s.ms += ms;
    s.submits += submits;
    s.submitMs += submitMs;
    stats.set(name, s);
  };
  const restore: (() => void)[] = [];
  let submits = 0, submitMs = 0, depth = 0;
  const gpu = tf.getBackend() === "webgpu" ? tf.backend() as unknown as WebGpuInternals : null;
  if (gpu) {
    const { queue } = gpu;
    const submit = queue.submit;
    queue.submit = (buffers) => {
      const t0 = performance.now();
      submit.call(queue, buffers);
      const ms = performance.now() - t0;
      submits++;
      submitMs += ms;
      add("[queue.submit]", ms);
    };
    const upload = gpu.uploadToGPU;
    gpu.uploadToGPU = (dataId) => {
      const data = gpu.tensorMap.get(dataId);
      if (data.resource == null && data.values != null) add("[upload]", 0);
      upload.call(gpu, dataId);
    };
    restore.push(() => {
      queue.submit = submit;
      gpu.uploadToGPU = upload;
    });
  }
  for (const config of tf.getKernelsForBackend(tf.getBackend())) {
    const own = config.kernelFunc;
    const mutable = config as { kernelFunc: tf.KernelFunc };
    mutable.kernelFunc = (args) => {
      const t0 = performance.now();
      const [s0, m0] = [submits, submitMs];
      depth++;
      try {
        return own(args);
      } finally {
        if (opts.sync && gpu && depth === 1) {
          gpu.endComputePassEncoder();
          if (gpu.commandEncoder) gpu.submitQueue();
          gpu.queue.submit([gpu.device.createCommandEncoder().finish()]);
        }
        depth--;
        // Kernels that call other kernels are timed once, at the outermost call.
        if (depth === 0) {
          add(config.kernelName, performance.now() - t0, submits - s0, submitMs - m0);
        }
      }
    };
    restore.push(() => mutable.kernelFunc = own);
  }
  const wallMs: number[] = [];
  try {
    for (let i = 0; i < steps; i++) {
      const t0 = performance.now();
      await work();
      wallMs.push(performance.now() - t0);
    }
  } finally {
    for (const r of restore) r();
  }
  const kernels = [...stats.values()].sort((a, b) => b.ms - a.ms);
  return { steps, wallMs, kernels };
}

/** The profile as a plain-text table, per step, the `top` largest rows. */
export function formatProfile(p: KernelProfile, top = 20): string {
  const per = (x: number) => (x / p.steps).toFixed(1);
  const count = (name: string) => per(p.kernels.find((k) => k.name === name)?.calls ?? 0);
  const lines = [
    `step wall ms: ${p.wallMs.map((w) => w.toFixed(0)).join(", ")}; per step: ` +
    `${count("[queue.submit]")} submits, ${count("[upload]")} uploads`,
    `${"kernel".padEnd(36)} ${"calls/step".padStart(10)} ${"ms/step".padStart(9)} ` +
    `${"ms/call".padStart(8)} ${"submits/step".padStart(12)} ${"submit ms/step".padStart(14)}`,
  ];
  for (const k of p.kernels.slice(0, top)) {
    lines.push(
      `${k.name.padEnd(36)} ${per(k.calls).padStart(10)} ${per(k.ms).padStart(9)} ` +
        `${(k.ms / k.calls).toFixed(3).padStart(8)} ${per(k.submits).padStart(12)} ` +
        `${per(k.submitMs).padStart(14)}`,
    );
  }
  return lines.join("\n");
}

const HELP = `usage: deno run -A lib/bench/kernel_profile.ts [flags]

Per-kernel CPU wall time of training steps (AdamW, as the bench's rows).

  --model NAME     mobilenetv2 | baseline (default mobilenetv2; the baseline trains whole)
  --backend NAME   tensorflow | webgpu | wasm | cpu (default: CXR_BACKEND, else the fastest)
  --size N         input side (default 96)
  --batch N        images per step (default 2)
  --row NAME       stage1 | stage2 | full (default full; MobileNetV2 only)
  --steps N        timed steps (default 3)
  --sync           webgpu: charge each kernel its own GPU time (lavapipe; see the module doc)
  --top N          rows shown (default 20)
`;

async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      model: { type: "string", default: "mobilenetv2" },
      backend: { type: "string" },
      size: { type: "string", default: "96" },
      batch: { type: "string", default: "2" },
      row: { type: "string", default: "full" },
      steps: { type: "string", default: "3" },
      sync: { type: "boolean" },
      top: { type: "string", default: "20" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return console.log(HELP);
  if (!(MODEL_NAMES as readonly string[]).includes(values.model)) {
    fail(`--model ${values.model}: expected ${MODEL_NAMES.join(" or ")}`, { exitCode: 2 });
  }
  const baseline = values.model === "baseline";
  await initBackend({ backend: parseBackendName(values.backend) });
  const [size, batch] = [Number(values.size), Number(values.batch)];
  const model = baseline
    ? baselineCnn({ inputSize: size })
    : await mobileNetV2Classifier({ inputSize: size });
  const { frozen, trainable } = baseline
    ? { frozen: null, trainable: model }
    : values.row === "stage1"
    ? splitAt(model, "global_average_pooling2d")
    : values.row === "stage2"
    ? splitAt(model, cutBefore(model, "block_13_expand"))
    : { frozen: null, trainable: model };
  const x = tf.randomUniform([batch, size, size, 3], -1, 1, "float32", 1);
  const y = tf.oneHot(tf.tensor1d(Array.from({ length: batch }, (_, i) => i % 2), "int32"), 2)
    .toFloat() as tf.Tensor2D;
  const optimizer = adamW({ learningRate: 1e-4 });
  const profile = await profileKernels(async () => {
    const input = frozen ? foldedPredict(frozen, x) : x;
    // The baseline trains from scratch, BatchNorm on batch statistics, as lib/train/run.ts does.
    await trainStep(trainable, optimizer, { x: input, y }, { trainBatchNorm: baseline });
    if (frozen) input.dispose();
  }, { steps: Number(values.steps), sync: values.sync });
  const what = baseline ? "baseline CNN" : `MobileNetV2 ${values.row}`;
  console.log(`${what} step, ${size} px, batch ${batch}, backend ${tf.getBackend()}`);
  console.log(formatProfile(profile, Number(values.top)));
}

if (import.meta.main) {
  try {
    await main(Deno.args);
  } catch (err) {
    Deno.exit(userErrorExitCode(err, "deno run -A lib/bench/kernel_profile.ts --help"));
  }
}
