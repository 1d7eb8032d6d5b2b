/**
 * MobileNetV2 against the baseline stand-in on the same test images: McNemar's exact test per
 * seed, and a short reading of the numbers written from the numbers themselves.
 *
 * @module
 */
import { fail } from "../errors.ts";
import { mcnemarExact, type McNemarResult, predictAt } from "../metrics/mod.ts";
import {
  type Cohort,
  cohortLabel,
  protocolEval,
  readEvalPredictions,
  type RunRecord,
  sameCohort,
} from "./runs.ts";
import { fmt, meanSd } from "./stats.ts";

/** McNemar's test of two runs (same cohort and seed) on their common test images. */
export interface PairedTest extends McNemarResult {
  cohort: Cohort;
  seed: number;
  /** Test images both runs predicted. */
  n: number;
  /** Model names: `b` counts images `modelA` gets right and `modelB` wrong, `c` the reverse. */
  modelA: string;
  modelB: string;
}

/**
 * Pairs runs of model `a` and model `b` that share cohort and seed, and tests each pair on
 * the images both evaluated (matched by path). A pair whose test sets differ fails: they were
 * not trained on the same split.
 */
export async function pairedTests(
  runs: readonly RunRecord[],
  a = "mobilenetv2",
  b = "baseline",
): Promise<PairedTest[]> {
  const out: PairedTest[] = [];
  for (const ra of runs.filter((r) => r.config.model === a)) {
    const pa = protocolEval(ra);
    if (!pa) continue;
    const rb = runs.find((r) =>
      r.config.model === b && r.config.seed === ra.config.seed &&
      protocolEval(r) !== undefined && sameCohort(protocolEval(r)!.cohort, pa.cohort)
    );
    if (!rb) continue;
    const pb = protocolEval(rb)!;
    const [predA, predB] = await Promise.all([
      readEvalPredictions(pa.eval),
      readEvalPredictions(pb.eval),
    ]);
    const byPath = new Map(predB.map((p) => [p.path, p]));
    if (predA.length !== predB.length || predA.some((p) => !byPath.has(p.path))) {
      fail(
        `${pa.eval.dir} and ${pb.eval.dir} score different test images; train both on the same split and seed`,
      );
    }
    const y = predA.map((p) => p.label);
    const hatA = predictAt(predA.map((p) => p.prob), pa.eval.metrics.threshold ?? 0.5);
    const hatB = predictAt(
      predA.map((p) => byPath.get(p.path)!.prob),
      pb.eval.metrics.threshold ?? 0.5,
    );
    out.push({
      cohort: pa.cohort,
      seed: ra.config.seed,
      n: y.length,
      modelA: a,
      modelB: b,
      ...mcnemarExact(y, hatA, hatB),
    });
  }
  return out;
}

/**
 * A few sentences per protocol comparing MobileNetV2 with the baseline, built only from the
 * measured numbers: accuracy and AUC (mean over seeds), the McNemar results, and parameters.
 */
export function comparisonReading(
  runs: readonly RunRecord[],
  tests: readonly PairedTest[],
): string {
  const lines: string[] = [];
  const cohorts: Cohort[] = [];
  for (const t of tests) if (!cohorts.some((c) => sameCohort(c, t.cohort))) cohorts.push(t.cohort);
  for (const cohort of cohorts) {
    const ts = tests.filter((t) => sameCohort(t.cohort, cohort));
    // Only the seeds both models ran, so the means compare like with like.
    const seeds = new Set(ts.map((t) => t.seed));
    const of = (model: string) =>
      runs.filter((r) =>
        r.config.model === model && seeds.has(r.config.seed) &&
        protocolEval(r) !== undefined && sameCohort(protocolEval(r)!.cohort, cohort)
      ).map((r) => protocolEval(r)!.eval.metrics);
    const [m, b] = [of("mobilenetv2"), of("baseline")];
    const acc = [meanSd(m.map((x) => x.accuracy)), meanSd(b.map((x) => x.accuracy))];
    const auc = [meanSd(m.map((x) => x.roc_auc)), meanSd(b.map((x) => x.roc_auc))];
    const diff = (acc[0].mean - acc[1].mean) * 100;
    const significant = ts.filter((t) => t.pValue < 0.05);
    const better = diff > 0 ? "MobileNetV2" : diff < 0 ? "the baseline" : "neither model";
    let text = `**${cohortLabel(cohort)}** (${ts.length} seed${ts.length > 1 ? "s" : ""}, ` +
      `${ts[0].n} test images): MobileNetV2 accuracy ${fmt(acc[0].mean)} vs ${
        fmt(acc[1].mean)
      } for ` +
      `the baseline CNN stand-in (${diff >= 0 ? "+" : ""}${
        diff.toFixed(1)
      } points, ${better} ahead), ROC AUC ` +
      `${fmt(auc[0].mean)} vs ${fmt(auc[1].mean)}. McNemar's exact test: `;
    text += ts.map((t) =>
      `seed ${t.seed}: b = ${t.b}, c = ${t.c}, p = ${fmt(t.pValue, 4)}`
    ).join("; ") + ". ";
    text += significant.length === 0
      ? "The two models' errors do not differ significantly at the 5% level"
      : significant.length === ts.length
      ? "The difference in errors is significant at the 5% level for every seed"
      : `The difference is significant at the 5% level for ${significant.length} of ${ts.length} seeds`;
    text += ts.length === 1
      ? " (one seed only: the split and initialisation vary more than that across seeds)."
      : ".";
    lines.push(text);
  }
  return lines.join("\n\n");
}
