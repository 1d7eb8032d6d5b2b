/**
 * The checks that need a trained model: its PNEUMONIA probabilities for any images (optionally
 * with the border blanked), the Grad-CAM mass inside the lung box and the body mask per
 * outcome, and the test metrics with the outer border blanked out.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { join } from "node:path";
import { checkpointBasename, type ExperimentConfig } from "../config.ts";
import type { ImageCache, ManifestRow } from "../data/mod.ts";
import { predictProbabilities } from "../evaluate/mod.ts";
import { camClassOf, gradCam, type Outcome, OUTCOMES } from "../explain/mod.ts";
import { summarizeMetrics } from "../metrics/mod.ts";
import { loadModel, toModelInput } from "../models/mod.ts";
import { exists } from "../util/fs.ts";
import { Rng } from "../util/rng.ts";
import { blankBorder, bodyMask, boxMask, LUNG_BOX, massInside } from "./regions.ts";

/** What the model checks need of an image: its file, class and cache key. */
export type ImageRef = Pick<ManifestRow, "path" | "label" | "sha256">;

/** A run's best checkpoint, loaded, or why it cannot be. */
export type RunModel =
  | { ok: true; model: tf.LayersModel; config: ExperimentConfig; dir: string }
  | { ok: false; message: string };

/**
 * Loads `<runDir>`'s best checkpoint. When the run or its checkpoint is missing (checkpoints
 * are not kept in version control), says so and names the command that trains it; `hint` is
 * appended when there is no run at all (say, how to train one).
 */
export async function openRunModel(
  runDir: string,
  shownAs = runDir,
  hint = "",
): Promise<RunModel> {
  const configPath = join(runDir, "config.json");
  if (!(await exists(configPath))) {
    return { ok: false, message: `no run in \`${shownAs}\` (no config.json)${hint}` };
  }
  const config = JSON.parse(await Deno.readTextFile(configPath)) as ExperimentConfig;
  const name = checkpointBasename(config);
  const best = join(runDir, name);
  for (const dir of [best, `${best}.old`]) {
    if (await exists(join(dir, "model.json"))) {
      return { ok: true, model: await loadModel(dir), config, dir };
    }
  }
  const cmd =
    `deno task cxr train --run-dir ${shownAs} --model ${config.model} --split ${config.split}` +
    ` --profile ${config.profile} --seed ${config.seed}`;
  return {
    ok: false,
    message: `the run \`${shownAs}\` has no checkpoint (\`${name}/model.json\` is missing: ` +
      `checkpoints are not committed); train it again with \`${cmd}\``,
  };
}

/** Options for {@linkcode predictRows}. */
export interface PredictRowsOptions {
  /** Blank this fraction of the side on each edge first (0 = none). Default 0. */
  blank?: number;
  /** Images per forward pass. Default 32. */
  batchSize?: number;
  /** Progress label; omit for none. */
  label?: string;
}

/** The model's PNEUMONIA probability for each row (its pixels from `images`). */
export async function predictRows(
  model: tf.LayersModel,
  images: ImageCache,
  rows: readonly ImageRef[],
  opts: PredictRowsOptions = {},
): Promise<number[]> {
  const blank = opts.blank ?? 0;
  const pixels = (i: number) => {
    const p = images.pixels(rows[i].sha256);
    return blank > 0 ? blankBorder(p, images.size, blank) : p;
  };
  const probs = await predictProbabilities(model, rows.length, pixels, images.size, {
    batchSize: opts.batchSize,
    label: opts.label,
  });
  return [...probs];
}

/** Outcome of a prediction at `threshold`. */
export function outcomeOf(label: 0 | 1, prob: number, threshold = 0.5): Outcome {
  const pred = prob >= threshold ? 1 : 0;
  return `${pred === label ? "T" : "F"}${pred ? "P" : "N"}` as Outcome;
}

/** Grad-CAM mass of one image. */
export interface CamMassRow {
  path: string;
  outcome: Outcome;
  correct: boolean;
  prob: number;
  /** Share of the heat inside {@linkcode LUNG_BOX}. */
  lungBox: number;
  /** Share of the heat inside the Otsu body mask. */
  bodyMask: number;
}

/** Options for {@linkcode camMass}. */
export interface CamMassOptions {
  /** Images per outcome, a seeded draw (all when fewer). Default 12. */
  perOutcome?: number;
  /** Seed of the draw. Default 0. */
  seed?: number;
  /** prob >= threshold predicts PNEUMONIA. Default 0.5. */
  threshold?: number;
}

/**
 * Grad-CAM (heat for the predicted class, as the evaluation's grid) of a seeded draw per
 * outcome, and the share of each heatmap inside the lung box and inside the body mask.
 */
export async function camMass(
  model: tf.LayersModel,
  images: ImageCache,
  rows: readonly ImageRef[],
  probs: readonly number[],
  opts: CamMassOptions = {},
): Promise<CamMassRow[]> {
  const threshold = opts.threshold ?? 0.5;
  const rng = new Rng(opts.seed ?? 0);
  const byOutcome = new Map<Outcome, number[]>(OUTCOMES.map((o) => [o, []]));
  rows.forEach((r, i) => byOutcome.get(outcomeOf(labelOf(r), probs[i], threshold))!.push(i));
  const picked = OUTCOMES.flatMap((o) =>
    rng.shuffle(byOutcome.get(o)!).slice(0, opts.perOutcome ?? 12).map((i) => ({ o, i }))
  );
  const size = images.size;
  const box = boxMask(size, LUNG_BOX);
  const out: CamMassRow[] = [];
  // Small batches: the backward pass through the base holds every activation.
  for (let start = 0; start < picked.length; start += 4) {
    const chunk = picked.slice(start, start + 4);
    const gray = chunk.map(({ i }) => images.pixels(rows[i].sha256));
    const x = toModelInput(gray, size, chunk.length);
    let heats: Float32Array[];
    try {
      heats = await gradCam(model, x, { classIndex: chunk.map(({ o }) => camClassOf(o)) });
    } finally {
      x.dispose();
    }
    chunk.forEach(({ o, i }, k) =>
      out.push({
        path: rows[i].path,
        outcome: o,
        correct: o[0] === "T",
        prob: probs[i],
        lungBox: massInside(heats[k], box),
        bodyMask: massInside(heats[k], bodyMask(gray[k])),
      })
    );
  }
  return out;
}

const labelOf = (r: ImageRef): 0 | 1 => (r.label === "PNEUMONIA" ? 1 : 0);

/** Test metrics of one masking. */
export interface MaskedScore {
  /** Fraction of the side blanked on each edge. */
  blank: number;
  accuracy: number;
  sensitivity: number;
  specificity: number;
  rocAuc: number;
  /** Mean PNEUMONIA probability of the NORMAL images. */
  meanProbNormal: number;
}

/**
 * The model scored on `rows` as they are and with the outer `fractions` of the border blanked
 * (black), at threshold 0.5: if the border or the markers drive the calls, the scores move.
 */
export async function maskedScores(
  model: tf.LayersModel,
  images: ImageCache,
  rows: readonly ImageRef[],
  fractions: readonly number[] = [0, 0.1, 0.15],
): Promise<MaskedScore[]> {
  const y = rows.map(labelOf);
  const out: MaskedScore[] = [];
  for (const blank of fractions) {
    const p = await predictRows(model, images, rows, { blank });
    const m = summarizeMetrics(y, p, { bootstrap: 0 });
    const normal = p.filter((_, i) => y[i] === 0);
    out.push({
      blank,
      accuracy: m.accuracy,
      sensitivity: m.sensitivity,
      specificity: m.specificity,
      rocAuc: m.roc_auc,
      meanProbNormal: normal.reduce((s, v) => s + v, 0) / normal.length,
    });
  }
  return out;
}
