/**
 * Proof that a weights folder holds the real ImageNet MobileNetV2: the full model with its
 * ImageNet classifier must give the recorded top-5 classes and probabilities on the test
 * photos shipped with the weights (`testimages/*.rgb224` + `expected_top5.json`).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fail } from "../errors.ts";
import { mobileNetV2 } from "./mobilenet_v2.ts";
import { loadImageNetWeights } from "./weights.ts";

/** `[class name, probability]`. */
export type Prediction = [string, number];

/** The top-5 check of one test photo. */
export interface Top5Check {
  image: string;
  expected: Prediction[];
  actual: Prediction[];
  /** Largest |actual - expected| probability over the 5 ranks. */
  maxProbDiff: number;
  /** Same classes in the same order, every probability within the tolerance. */
  ok: boolean;
}

/** Options for {@linkcode verifyImageNetWeights}. */
export interface VerifyOptions {
  /** Largest allowed probability difference. Default 1e-3 (expected values have 4 decimals). */
  tolerance?: number;
  /** Folder with `*.rgb224` and `expected_top5.json`. Default `<weights dir>/testimages`. */
  testImagesDir?: string;
}

async function readJson<T>(path: string, what: string): Promise<T> {
  try {
    return JSON.parse(await readFile(path, "utf8"));
  } catch (err) {
    fail(
      `cannot read ${what} ${path} (${(err as Error).message}): use a weights folder that ` +
        "ships imagenet_classes.json and testimages/ (as the README's quick-start weights do)",
    );
  }
}

/** Runs the ImageNet MobileNetV2 from `weightsDir` on its test photos; one check per photo. */
export async function verifyImageNetWeights(
  weightsDir: string,
  opts: VerifyOptions = {},
): Promise<Top5Check[]> {
  const tolerance = opts.tolerance ?? 1e-3;
  const testDir = opts.testImagesDir ?? join(weightsDir, "testimages");
  const size = 224;
  const model = mobileNetV2({ inputSize: size, includeTop: true });
  try {
    await loadImageNetWeights(model, weightsDir);
    const classes = await readJson<string[]>(
      join(weightsDir, "imagenet_classes.json"),
      "class names",
    );
    const expected = await readJson<Record<string, Prediction[]>>(
      join(testDir, "expected_top5.json"),
      "expected top-5",
    );
    const images = Object.keys(expected);
    const pixels = new Float32Array(images.length * size * size * 3);
    for (const [i, image] of images.entries()) {
      const path = join(testDir, `${image}.rgb224`);
      const rgb = await readFile(path);
      if (rgb.length !== size * size * 3) {
        fail(`${path} has ${rgb.length} bytes, expected 224*224*3 = ${size * size * 3}`);
      }
      rgb.forEach((v, k) => pixels[i * rgb.length + k] = v / 127.5 - 1);
    }
    // Read asynchronously: webgpu under Deno has no synchronous read.
    const output = tf.tidy(() =>
      model.predict(tf.tensor4d(pixels, [images.length, size, size, 3])) as tf.Tensor
    );
    const probs = await output.array().finally(() => output.dispose()) as number[][];
    return images.map((image, i) => {
      const actual: Prediction[] = probs[i]
        .map((p, c) => [classes[c], p] as Prediction)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 5);
      const want = expected[image];
      const maxProbDiff = Math.max(...want.map(([, p], r) => Math.abs(actual[r][1] - p)));
      const ok = want.every(([c], r) => actual[r][0] === c) && maxProbDiff <= tolerance;
      return { image, expected: want, actual, maxProbDiff, ok };
    });
  } finally {
    model.dispose();
  }
}

/** A plain-text table of the checks: photo, top-5 (class probability), max |Δp|, OK/FAIL. */
export function formatTop5Table(checks: Top5Check[]): string {
  const short = (c: string) => c.split(",")[0];
  const rows = checks.map((c) => [
    c.image,
    c.actual.map(([cls, p]) => `${short(cls)} ${p.toFixed(3)}`).join(", "),
    c.maxProbDiff.toExponential(1),
    c.ok
      ? "OK"
      : `FAIL (expected ${c.expected.map(([cls, p]) => `${short(cls)} ${p}`).join(", ")})`,
  ]);
  const header = ["photo", "top-5 (class probability)", "max |dp|", "result"];
  const widths = header.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k].length)));
  const line = (r: string[]) => r.map((cell, k) => cell.padEnd(widths[k])).join("  ").trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}
