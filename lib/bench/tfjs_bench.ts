/**
 * The tfjs side of the bench: the same five pieces of work as `torch_bench.py`, on the active
 * backend, through the project's own code paths (decodeGray, mobileNetV2Classifier, splitAt,
 * the training loop's trainStep, AdamW) and the fast inference forward of `lib/kernels/`
 * (BatchNorm folded into the convolutions) for inference and the frozen parts.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { decodeGray } from "../data/decode.ts";
import { cutBefore, mobileNetV2Classifier, splitAt } from "../models/mod.ts";
import { adamW } from "../optim/mod.ts";
import { trainStep } from "../train/mod.ts";
import { foldedForward, foldedPredict } from "../kernels/mod.ts";
import { type BenchRow, type BenchWorkload, measure } from "./measure.ts";
import { assertNoGpuErrors } from "../backend.ts";

/** Options of {@linkcode runTfjsBench}. */
export interface TfjsBenchOptions extends BenchWorkload {
  /** First layer fine-tuned in stage 2. Default "block_13_expand" (the training default). */
  fineTuneFrom?: string;
  /** Images per step of the `full` row (it keeps every activation). Default: `batch`. */
  fullBatch?: number;
  /** Called after each row (progress). */
  onRow?: (row: BenchRow) => void;
}

/** Measures the requested rows on the active tfjs backend. */
export async function runTfjsBench(opts: TfjsBenchOptions): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const add = (row: BenchRow) => {
    rows.push(row);
    opts.onRow?.(row);
  };
  const m = { warmup: opts.warmup, repeats: opts.repeats };
  if (opts.rows.includes("prepare") && opts.files.length > 0) {
    const bytes = await Promise.all(opts.files.map((f) => Deno.readFile(f)));
    add(
      await measure("prepare", bytes.length, async () => {
        for (const b of bytes) await decodeGray(b, opts.size);
      }, { warmup: Math.min(1, opts.warmup), repeats: opts.repeats }),
    );
  }
  const model = await mobileNetV2Classifier({ inputSize: opts.size });
  const batchOf = (n: number) => ({
    x: tf.randomUniform([n, opts.size, opts.size, 3], -1, 1, "float32", 1),
    y: tf.oneHot(tf.tensor1d(Array.from({ length: n }, (_, i) => i % 2), "int32"), 2)
      .toFloat() as tf.Tensor2D,
  });
  const { x, y } = batchOf(opts.batch);
  try {
    if (opts.rows.includes("inference")) {
      // BatchNorm folded into the convolutions once, as for evaluating a trained model.
      const forward = foldedForward(model);
      add(
        await measure("inference", opts.batch, async () => {
          const p = forward(x);
          await p.data();
          p.dispose();
          assertNoGpuErrors();
        }, m),
      );
      forward.dispose();
    }
    const step = (
      frozen: tf.LayersModel | null,
      trainable: tf.LayersModel,
      data: { x: tf.Tensor; y: tf.Tensor2D },
    ) => {
      const optimizer = adamW({ learningRate: 1e-4 });
      const work = async () => {
        // The frozen part in inference mode, folded per call (its weights could have changed).
        const input = frozen ? foldedPredict(frozen, data.x) : data.x;
        try {
          await trainStep(trainable, optimizer, { x: input, y: data.y });
          assertNoGpuErrors();
        } finally {
          if (frozen) input.dispose();
        }
      };
      return { work, dispose: () => optimizer.dispose() };
    };
    const stages: [string, () => { frozen: tf.LayersModel | null; trainable: tf.LayersModel }][] = [
      ["stage1", () => splitAt(model, "global_average_pooling2d")],
      ["stage2", () => splitAt(model, cutBefore(model, opts.fineTuneFrom ?? "block_13_expand"))],
      ["full", () => ({ frozen: null, trainable: model })],
    ];
    for (const [name, split] of stages) {
      if (!opts.rows.includes(name)) continue;
      const { frozen, trainable } = split();
      const n = name === "full" ? opts.fullBatch ?? opts.batch : opts.batch;
      const data = n === opts.batch ? { x, y } : batchOf(n);
      const s = step(frozen, trainable, data);
      try {
        add(await measure(name, n, s.work, m));
      } finally {
        s.dispose();
        if (data.x !== x) tf.dispose([data.x, data.y]);
      }
    }
  } finally {
    tf.dispose([x, y]);
    model.dispose();
  }
  return rows;
}
