/** Synthetic run directories with known numbers for the report tests. */
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import {
  defaultConfig,
  type ExperimentConfig,
  type ModelName,
  type SplitStrategy,
} from "../../lib/config.ts";
import { summarizeMetrics, writePredictionsCsv } from "../../lib/metrics/mod.ts";

/**
 * 10 images `<imagePrefix><i>.jpeg` (default prefix "img"), labels 0,1,0,1,...; probability 0.8
 * of the right class, so `wrong` (the indices the run gets wrong) sets every metric. `config`
 * overrides fields of the quick profile's defaults (split and seed come from `opts`). Called again with another `evalName`, it adds
 * that evaluation (config and history are rewritten the same).
 */
export async function fakeRun(
  dir: string,
  opts: {
    model: ModelName;
    split: SplitStrategy;
    seed: number;
    wrong: number[];
    evalName?: string;
    config?: Partial<ExperimentConfig>;
    imagePrefix?: string;
  },
): Promise<void> {
  const config = {
    ...defaultConfig("quick", opts.model),
    ...opts.config,
    split: opts.split,
    seed: opts.seed,
  };
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "config.json"), JSON.stringify(config));
  await writeFile(
    join(dir, "history.json"),
    JSON.stringify([
      { epoch: 1, stage: 1, val_accuracy: 0.5, seconds: 1, img_per_s: 10 },
      { epoch: 2, stage: 2, val_accuracy: 0.6, seconds: 1, img_per_s: 4 },
    ]),
  );
  const labels = Array.from({ length: 10 }, (_, i) => (i % 2) as 0 | 1);
  const probs = labels.map((y, i) => (opts.wrong.includes(i) ? 1 - y : y) * 0.6 + 0.2);
  const evalDir = join(dir, `eval-${opts.evalName ?? "test"}`);
  await mkdir(evalDir, { recursive: true });
  await writePredictionsCsv(
    join(evalDir, "predictions.csv"),
    labels.map((label, i) => ({
      path: `${opts.imagePrefix ?? "img"}${i}.jpeg`,
      label,
      prob: probs[i],
    })),
  );
  const metrics = summarizeMetrics(labels, probs, { bootstrap: 50, seed: 1 });
  await writeFile(join(evalDir, "metrics.json"), JSON.stringify(metrics));
  // A stand-in figure (the report only copies it).
  await writeFile(join(evalDir, "confusion_matrix.png"), new Uint8Array([0x89, 0x50, 0x4e, 0x47]));
}
