/**
 * p(PNEUMONIA) of a model for image files, decoded exactly as training decodes them
 * (lib/data/decode.ts: ICC profile ignored, grey, fill-resize, then `x / 127.5 - 1`), with
 * optional Grad-CAM overlays. Files that cannot be read or decoded are reported and skipped.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { readFile } from "node:fs/promises";
import { basename, extname, join } from "node:path";
import { decodeGray } from "../data/mod.ts";
import { CxrError } from "../errors.ts";
import { predictProbabilities } from "../evaluate/mod.ts";
import { gradCam, overlayHeatmap } from "../explain/mod.ts";
import { CLASS_NAMES } from "../metrics/mod.ts";
import { toModelInput } from "../models/mod.ts";
import { writeFileAtomic } from "../util/atomic.ts";
import { progress } from "../util/progress.ts";

/** One scored image. */
export interface ImagePrediction {
  path: string;
  /** The model's output for PNEUMONIA. */
  prob: number;
  /** PNEUMONIA when `prob >= threshold`, else NORMAL. */
  decision: (typeof CLASS_NAMES)[number];
  /** The Grad-CAM overlay written for it, when asked for. */
  gradcam?: string;
}

/** A file that was skipped, and why. */
export interface ImageFailure {
  path: string;
  error: string;
}

/** Options for {@linkcode predictImages}. */
export interface PredictImagesOptions {
  /** Decision threshold on p(PNEUMONIA). Default 0.5. */
  threshold?: number;
  /** Files decoded and scored together. Default 32. */
  batchSize?: number;
  /** Show a progress bar (stderr). Default false. */
  progress?: boolean;
  /** Write `<name>_gradcam.png` overlays (heat for PNEUMONIA) into this folder. Default none. */
  gradcamDir?: string;
}

/** What {@linkcode predictImages} returns: scored images and skipped files, in input order. */
export interface PredictImagesResult {
  predictions: ImagePrediction[];
  failed: ImageFailure[];
}

/** Decodes one file to model pixels, or says why it cannot. */
async function decodeFile(path: string, size: number): Promise<Uint8Array | string> {
  try {
    return await decodeGray(await readFile(path), size);
  } catch (err) {
    if (err instanceof CxrError) return err.message;
    const code = (err as { code?: string }).code;
    if (code) return `cannot read: ${(err as Error).message}`;
    throw err;
  }
}

/** A file name for `path`'s overlay that no earlier image of this run took. */
function overlayName(path: string, taken: Set<string>): string {
  const stem = basename(path, extname(path));
  let name = `${stem}_gradcam.png`;
  for (let k = 2; taken.has(name); k++) name = `${stem}-${k}_gradcam.png`;
  taken.add(name);
  return name;
}

async function writeOverlays(
  model: tf.LayersModel,
  pixels: Uint8Array[],
  size: number,
  dir: string,
  names: string[],
): Promise<void> {
  // Small batches: the backward pass holds every activation of the base.
  for (let start = 0; start < pixels.length; start += 4) {
    const gray = pixels.slice(start, start + 4);
    const x = toModelInput(gray, size, gray.length);
    let heats: Float32Array[];
    try {
      heats = await gradCam(model, x, { classIndex: 1 });
    } finally {
      x.dispose();
    }
    for (const [k, heat] of heats.entries()) {
      await writeFileAtomic(join(dir, names[start + k]), await overlayHeatmap(gray[k], heat, size));
    }
  }
}

/** Scores `files` with `model` (input `size` px). */
export async function predictImages(
  model: tf.LayersModel,
  files: string[],
  size: number,
  opts: PredictImagesOptions = {},
): Promise<PredictImagesResult> {
  const threshold = opts.threshold ?? 0.5;
  const batchSize = opts.batchSize ?? 32;
  const bar = opts.progress ? progress("predict", files.length) : null;
  const predictions: ImagePrediction[] = [];
  const failed: ImageFailure[] = [];
  const taken = new Set<string>();
  for (let start = 0; start < files.length; start += batchSize) {
    const chunk = files.slice(start, start + batchSize);
    const ok: { path: string; pixels: Uint8Array }[] = [];
    for (const path of chunk) {
      const decoded = await decodeFile(path, size);
      if (typeof decoded === "string") failed.push({ path, error: decoded });
      else ok.push({ path, pixels: decoded });
    }
    if (ok.length > 0) {
      const probs = await predictProbabilities(model, ok.length, (i) => ok[i].pixels, size, {
        batchSize,
      });
      const names = opts.gradcamDir ? ok.map((o) => overlayName(o.path, taken)) : [];
      if (opts.gradcamDir) {
        await writeOverlays(model, ok.map((o) => o.pixels), size, opts.gradcamDir, names);
      }
      ok.forEach(({ path }, i) =>
        predictions.push({
          path,
          prob: probs[i],
          decision: CLASS_NAMES[probs[i] >= threshold ? 1 : 0],
          ...(opts.gradcamDir ? { gradcam: join(opts.gradcamDir, names[i]) } : {}),
        })
      );
    }
    bar?.tick(chunk.length);
  }
  bar?.done();
  return { predictions, failed };
}
