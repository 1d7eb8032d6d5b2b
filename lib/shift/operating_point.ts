/**
 * Is it the ranking or the operating point? The same model's accuracy, sensitivity and
 * specificity over a ladder of thresholds on validation and on test, and the threshold that
 * would have been best on the test images. That best test threshold is an oracle: it reads test
 * labels, so it is a diagnostic of what limits the model and chooses nothing. If it reaches the
 * goal while validation shows no reason to move there, the ranking (AUC) is good enough and the
 * operating point cannot be found from validation drawn from the training folders.
 *
 * @module
 */
import { join } from "node:path";
import { predictAt, type PredictionRow, readPredictionsCsv } from "../metrics/mod.ts";
import { exists } from "../util/fs.ts";
import { thresholdLadderSpec, type VegaLiteSpec } from "../plots/mod.ts";

/** The thresholds of the ladder, denser towards 1 where NORMAL test images are scored. */
export const THRESHOLD_LADDER = [
  0.5,
  0.6,
  0.7,
  0.8,
  0.9,
  0.95,
  0.98,
  0.99,
  0.995,
  0.999,
] as const;

/** Rates at one threshold (`prob >= threshold` predicts PNEUMONIA, label 1). */
export interface ThresholdRates {
  threshold: number;
  accuracy: number;
  sensitivity: number;
  specificity: number;
}

/** Accuracy, sensitivity and specificity of `prob` against `yTrue` (1 = PNEUMONIA) at `threshold`. */
export function ratesAt(
  yTrue: ArrayLike<number>,
  prob: ArrayLike<number>,
  threshold: number,
): ThresholdRates {
  if (yTrue.length !== prob.length || yTrue.length === 0) {
    throw new Error(
      `ratesAt: ${yTrue.length} labels and ${prob.length} probabilities; need the same, non-zero count`,
    );
  }
  const pred = predictAt(prob, threshold);
  let [tp, tn, pos] = [0, 0, 0];
  for (let i = 0; i < yTrue.length; i++) {
    if (yTrue[i] === 1) {
      pos++;
      if (pred[i] === 1) tp++;
    } else if (pred[i] === 0) tn++;
  }
  const neg = yTrue.length - pos;
  return {
    threshold,
    accuracy: (tp + tn) / yTrue.length,
    sensitivity: pos ? tp / pos : NaN,
    specificity: neg ? tn / neg : NaN,
  };
}

/**
 * The threshold with the highest accuracy among 0.5 and every distinct probability (each
 * probability as a threshold puts that image on the PNEUMONIA side); on a tie the lowest
 * threshold, the one nearest the default.
 */
export function bestAccuracyThreshold(
  yTrue: ArrayLike<number>,
  prob: ArrayLike<number>,
): ThresholdRates {
  const candidates = [...new Set([0.5, ...Array.from(prob)])].sort((a, b) => a - b);
  let best = ratesAt(yTrue, prob, candidates[0]);
  for (const t of candidates.slice(1)) {
    const r = ratesAt(yTrue, prob, t);
    if (r.accuracy > best.accuracy) best = r;
  }
  return best;
}

/** One split's labels (1 = PNEUMONIA) and probabilities. */
export interface LabelledScores {
  yTrue: ArrayLike<number>;
  prob: ArrayLike<number>;
}

/** What {@linkcode operatingPointCheck} finds. */
export interface OperatingPointCheck {
  /** Rates on each split at each threshold of the ladder (and at the oracle threshold). */
  ladder: { split: "validation" | "test"; rates: ThresholdRates }[];
  /** Rates on validation and test at 0.5. */
  atDefault: { validation: ThresholdRates; test: ThresholdRates };
  /** The best test threshold and its test rates: an oracle that reads test labels. */
  testOracle: ThresholdRates;
  /** Validation rates at the oracle's threshold. */
  validationAtOracle: ThresholdRates;
  /** The best validation threshold (what validation alone would pick for accuracy). */
  validationBest: ThresholdRates;
}

/** The ladder on both splits, and where the test's best threshold lies on validation. */
export function operatingPointCheck(
  validation: LabelledScores,
  test: LabelledScores,
): OperatingPointCheck {
  const testOracle = bestAccuracyThreshold(test.yTrue, test.prob);
  const thresholds = [...new Set([...THRESHOLD_LADDER, testOracle.threshold])]
    .sort((a, b) => a - b);
  const ladder = (["validation", "test"] as const).flatMap((split) => {
    const s = split === "validation" ? validation : test;
    return thresholds.map((t) => ({ split, rates: ratesAt(s.yTrue, s.prob, t) }));
  });
  return {
    ladder,
    atDefault: {
      validation: ratesAt(validation.yTrue, validation.prob, 0.5),
      test: ratesAt(test.yTrue, test.prob, 0.5),
    },
    testOracle,
    validationAtOracle: ratesAt(validation.yTrue, validation.prob, testOracle.threshold),
    validationBest: bestAccuracyThreshold(validation.yTrue, validation.prob),
  };
}

/** The finding in one paragraph of plain words. */
export function operatingPointSentence(check: OperatingPointCheck): string {
  const f = (v: number) => v.toFixed(3);
  const { atDefault, testOracle, validationAtOracle, validationBest } = check;
  const t = testOracle.threshold;
  const moves = validationAtOracle.accuracy < atDefault.validation.accuracy
    ? `lowers validation accuracy from ${f(atDefault.validation.accuracy)} to ${
      f(validationAtOracle.accuracy)
    }, so validation points away from it`
    : `gives validation accuracy ${f(validationAtOracle.accuracy)} (${
      f(atDefault.validation.accuracy)
    } at 0.5)`;
  return `At 0.5 the test accuracy is ${f(atDefault.test.accuracy)} (specificity ${
    f(atDefault.test.specificity)
  }). The best single threshold on the test images, ${t.toPrecision(4)}, would give ${
    f(testOracle.accuracy)
  } (sensitivity ${f(testOracle.sensitivity)}, ` +
    `specificity ${f(testOracle.specificity)}): a diagnostic that reads test labels, not a ` +
    `result. The same threshold ${moves}; the best validation threshold is ${
      validationBest.threshold.toPrecision(4)
    } (accuracy ${f(validationBest.accuracy)}).`;
}

/** The operating-point check of a run, from its val and test predictions, or why there is none. */
export type OperatingPointOfRun =
  | { ok: true; check: OperatingPointCheck }
  | { ok: false; message: string };

/**
 * Reads `<runDir>/eval-val/predictions.csv` and `eval-test/predictions.csv` and runs
 * {@linkcode operatingPointCheck} on them; `shownAs` names the run in the message when one is
 * missing.
 */
export async function operatingPointOfRunDir(
  runDir: string,
  shownAs = runDir,
): Promise<OperatingPointOfRun> {
  const read = async (split: string) => {
    const path = join(runDir, `eval-${split}`, "predictions.csv");
    return (await exists(path)) ? await readPredictionsCsv(path) : null;
  };
  const [val, test] = [await read("val"), await read("test")];
  if (!val || !test) {
    const missing = [!val && "val", !test && "test"].filter(Boolean).join(" and ");
    return {
      ok: false,
      message: `no ${missing} predictions in \`${shownAs}\`; make them with ` +
        `\`deno task cxr evaluate --run-dir ${shownAs} --split val\` (and \`--split test\`)`,
    };
  }
  const scores = (rows: PredictionRow[]) => ({
    yTrue: rows.map((r) => r.label),
    prob: rows.map((r) => r.prob),
  });
  return { ok: true, check: operatingPointCheck(scores(val), scores(test)) };
}

/** The check's ladder as a figure: one panel per rate, one line per split. */
export function operatingPointFigure(check: OperatingPointCheck): VegaLiteSpec {
  const metrics = ["accuracy", "sensitivity", "specificity"] as const;
  return thresholdLadderSpec(
    check.ladder.flatMap(({ split, rates }) =>
      metrics.map((metric) => ({ split, metric, threshold: rates.threshold, value: rates[metric] }))
    ),
    { title: "The same model on validation and test, threshold by threshold" },
  );
}
