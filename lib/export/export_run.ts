/**
 * Exports a run's best checkpoint for a web page: TF.js layers files (`model.json` +
 * `weights.bin`, float32 or float16) and `model-card.json`. With float16, the test split is
 * scored by both versions and the change reported.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import { prepareCache, readSplit } from "../data/mod.ts";
import { predictProbabilities } from "../evaluate/mod.ts";
import { loadModel } from "../models/mod.ts";
import { dataRoot as defaultDataRoot, fromWorkspace } from "../paths.ts";
import { openRun } from "../predict/mod.ts";
import { writeFileAtomic, writeJsonAtomic } from "../util/atomic.ts";
import { exists } from "../util/fs.ts";
import { toFloat16Weights } from "./float16.ts";
import { type Float16Check, type ModelCard, modelCard } from "./model_card.ts";

/** Options for {@linkcode exportRun}. */
export interface ExportOptions {
  runDir: string;
  /** Folder to write model.json, weights.bin and model-card.json into. */
  outDir: string;
  /** Store weights as float16. Default false. */
  float16?: boolean;
  /** Threshold for the card. Default: the run's (see lib/predict/run_model.ts). */
  threshold?: number;
  /** Dataset root for the float16 check. Default: the run's, else CXR_DATA_DIR. */
  dataRoot?: string;
  /** Image cache root. Default: CXR_CACHE_DIR, else outputs/cache. */
  cacheDir?: string;
  /** Status lines. Default console.log. */
  print?: (line: string) => void;
}

/** What {@linkcode exportRun} wrote. */
export interface ExportResult {
  files: string[];
  card: ModelCard;
}

/** Writes `model` as TF.js layers files, its float32 weights as float16 when asked. */
async function writeModel(model: tf.LayersModel, dir: string, float16: boolean): Promise<number> {
  let bytes = 0;
  await model.save(tf.io.withSaveHandler(async (artifacts) => {
    let specs = artifacts.weightSpecs ?? [];
    let data = tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? []);
    if (float16) ({ specs, data } = toFloat16Weights(specs, data));
    bytes = data.byteLength;
    await writeFileAtomic(join(dir, "weights.bin"), new Uint8Array(data));
    await writeJsonAtomic(join(dir, "model.json"), {
      format: artifacts.format,
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy,
      modelTopology: artifacts.modelTopology,
      weightsManifest: [{ paths: ["weights.bin"], weights: specs }],
    });
    return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
  }));
  return bytes;
}

/** Scores the run's test split with the float32 model and the exported float16 one. */
async function float16Check(
  model: tf.LayersModel,
  exported: string,
  runDir: string,
  size: number,
  threshold: number,
  opts: { dataRoot: string; cacheDir?: string },
): Promise<Float16Check | undefined> {
  if (!(await exists(join(runDir, "splits", "test.csv")))) return undefined;
  const { test } = await readSplit(join(runDir, "splits"));
  const images = await prepareCache({
    dataRoot: opts.dataRoot,
    size,
    cacheDir: opts.cacheDir,
    rows: test,
    progress: false,
  });
  const rows = test.filter((r) => images.has(r.sha256));
  if (rows.length === 0) return undefined;
  const pixels = (i: number) => images.pixels(rows[i].sha256);
  const half = await loadModel(exported);
  try {
    const p32 = await predictProbabilities(model, rows.length, pixels, size);
    const p16 = await predictProbabilities(half, rows.length, pixels, size);
    const label = rows.map((r) => (r.label === "PNEUMONIA" ? 1 : 0));
    const correct = (p: Float32Array) =>
      label.filter((y, i) => (p[i] >= threshold ? 1 : 0) === y).length / rows.length;
    return {
      images: rows.length,
      max_abs_dprob: Math.max(...Array.from(p32, (p, i) => Math.abs(p - p16[i]))),
      accuracy_float32: correct(p32),
      accuracy_float16: correct(p16),
      decisions_changed: label.filter((_, i) => (p32[i] >= threshold) !== (p16[i] >= threshold))
        .length,
    };
  } finally {
    half.dispose();
  }
}

/** Exports `runDir`'s best checkpoint into `outDir`. */
export async function exportRun(opts: ExportOptions): Promise<ExportResult> {
  const print = opts.print ?? ((line: string) => console.log(line));
  const run = await openRun(opts.runDir, opts.threshold);
  const dtype = opts.float16 ? "float16" : "float32";
  try {
    const weightBytes = await writeModel(run.model, opts.outDir, opts.float16 ?? false);
    print(
      `wrote ${join(opts.outDir, "model.json")} + weights.bin (${dtype}, ${weightBytes} bytes)`,
    );
    let check: Float16Check | undefined;
    if (opts.float16) {
      // Stored relative to the workspace (older runs: absolute); the default if it has moved.
      const stored = run.config.dataRoot ? fromWorkspace(run.config.dataRoot) : "";
      const root = opts.dataRoot ?? (stored && await exists(stored) ? stored : defaultDataRoot());
      check = await float16Check(
        run.model,
        opts.outDir,
        opts.runDir,
        run.inputSize,
        run.threshold,
        {
          dataRoot: root,
          cacheDir: opts.cacheDir,
        },
      );
      print(
        check
          ? `float16 vs float32 on ${check.images} test images: max |dp| ${
            check.max_abs_dprob.toExponential(2)
          }, accuracy ${check.accuracy_float32.toFixed(4)} -> ${
            check.accuracy_float16.toFixed(4)
          }, ${check.decisions_changed} decision(s) changed`
          : "float16 change not measured: the run has no test split with decodable images",
      );
    }
    const card = await modelCard({
      runDir: opts.runDir,
      config: run.config,
      threshold: run.threshold,
      thresholdSource: run.thresholdSource,
      dtype,
      weightBytes,
      float16Check: check,
    });
    await writeJsonAtomic(join(opts.outDir, "model-card.json"), card);
    const files = ["model.json", "weights.bin", "model-card.json"].map((f) => join(opts.outDir, f));
    return { files, card };
  } finally {
    run.model.dispose();
  }
}
