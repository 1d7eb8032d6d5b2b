/**
 * The evaluation's operating threshold from the config's `threshold` rule, chosen on validation
 * predictions only: the fixed 0.5, Youden's J, or the highest threshold keeping sensitivity at
 * or above 0.95.
 *
 * @module
 */
import type { ExperimentConfig, ThresholdRule } from "../config.ts";
import {
  confusionMatrix,
  type OperatingPoint,
  predictAt,
  sensitivity,
  specificity,
  thresholdForRecall,
  youdenThreshold,
} from "../metrics/mod.ts";

/** Sensitivity the "sens95" rule keeps. */
export const SENS95_TARGET = 0.95;

/**
 * The threshold `rule` picks on (validation) labels `y` and probabilities `p`, with the rates
 * there; null when the rule needs both classes and `y` lacks one.
 */
export function chooseThreshold(
  rule: ThresholdRule,
  y: readonly number[],
  p: readonly number[],
): OperatingPoint | null {
  if (rule === "youden") return youdenThreshold(y, p);
  if (rule === "sens95") return thresholdForRecall(y, p, SENS95_TARGET);
  const cm = confusionMatrix(y, predictAt(p, 0.5));
  return { threshold: 0.5, sensitivity: sensitivity(cm), specificity: specificity(cm) };
}

/** The threshold an evaluation used, how it was set and where (stored in metrics.json). */
export interface OperatingPointRecord {
  rule: ThresholdRule | "given";
  threshold: number;
  /** "val": chosen on the validation split; "fixed": 0.5 (also when a rule found no point). */
  chosenOn: "fixed" | "val" | "given";
  /** Validation images it was chosen on (0 when fixed or given). */
  valImages: number;
}

/**
 * The evaluation's threshold: `given` when passed, else the config's `threshold` rule on the
 * validation predictions `val()` gives; 0.5 when the rule finds no point (validation lacking a
 * class), which the record's `chosenOn: "fixed"` says.
 */
export async function resolveThreshold(
  given: number | undefined,
  config: Pick<ExperimentConfig, "threshold">,
  val: () => Promise<{ y: number[]; p: number[] }>,
): Promise<OperatingPointRecord> {
  if (given !== undefined) {
    return { rule: "given", threshold: given, chosenOn: "given", valImages: 0 };
  }
  if (config.threshold === "0.5") {
    return { rule: "0.5", threshold: 0.5, chosenOn: "fixed", valImages: 0 };
  }
  const v = await val();
  const chosen = chooseThreshold(config.threshold, v.y, v.p);
  return {
    rule: config.threshold,
    threshold: chosen?.threshold ?? 0.5,
    chosenOn: chosen ? "val" : "fixed",
    valImages: v.y.length,
  };
}
