/**
 * The data of the baseline comparison's figures: both models' ROC curves on the same test
 * images, and each model's accuracy beside its latency and size, per cohort (protocol and
 * profile). Specs come from lib/plots (`rocSpec`, `tradeoffSpec`).
 *
 * @module
 */
import { rocAuc, rocCurve } from "../metrics/mod.ts";
import { MODEL_DISPLAY_NAMES, MODEL_NAMES, type ModelName } from "../models/names.ts";
import {
  type NamedRoc,
  rocSpec,
  type TradeoffPoint,
  tradeoffSpec,
  type VegaLiteSpec,
} from "../plots/mod.ts";
import {
  type Cohort,
  cohortLabel,
  protocolEval,
  readEvalPredictions,
  type RunRecord,
  sameCohort,
} from "./runs.ts";

/** Both models' ROC curves for one cohort and seed. */
export interface CohortRocs {
  cohort: Cohort;
  /** e.g. "patient-level 80/10/10 (cached features), seed 42". */
  title: string;
  seed: number;
  curves: NamedRoc[];
}

/** The cohorts, in first-seen order, where every one of `models` has an evaluated run. */
function sharedCohorts(runs: readonly RunRecord[], models: readonly ModelName[]): Cohort[] {
  const found: Cohort[] = [];
  for (const r of runs) {
    const c = protocolEval(r)?.cohort;
    if (!c || found.some((f) => sameCohort(f, c))) continue;
    if (models.every((m) => runsOf(runs, m, c).length > 0)) found.push(c);
  }
  return found;
}

/** Evaluated runs of `model` in `cohort`. */
function runsOf(runs: readonly RunRecord[], model: ModelName, cohort: Cohort): RunRecord[] {
  return runs.filter((r) => {
    const p = protocolEval(r);
    return r.config.model === model && p !== undefined && sameCohort(p.cohort, cohort);
  });
}

/** The seeds every one of `models` ran in `cohort`, ascending. */
function commonSeeds(runs: readonly RunRecord[], models: readonly ModelName[], cohort: Cohort) {
  const seedsOf = (m: ModelName) => new Set(runsOf(runs, m, cohort).map((r) => r.config.seed));
  return [...seedsOf(models[0])].filter((s) => models.every((m) => seedsOf(m).has(s)))
    .sort((a, b) => a - b);
}

/**
 * Per cohort where both models were evaluated, their ROC curves on the smallest seed both ran
 * (so the curves score the same test images), read from each run's `predictions.csv`.
 */
export async function comparisonRocs(
  runs: readonly RunRecord[],
  models: readonly ModelName[] = MODEL_NAMES,
): Promise<CohortRocs[]> {
  const out: CohortRocs[] = [];
  for (const cohort of sharedCohorts(runs, models)) {
    const common = commonSeeds(runs, models, cohort);
    if (common.length === 0) continue;
    const seed = common[0];
    const curves: NamedRoc[] = [];
    for (const model of models) {
      const run = runsOf(runs, model, cohort).find((r) => r.config.seed === seed)!;
      const rows = await readEvalPredictions(protocolEval(run)!.eval);
      const y = rows.map((r) => r.label);
      const p = rows.map((r) => r.prob);
      curves.push({ name: MODEL_DISPLAY_NAMES[model], curve: rocCurve(y, p), auc: rocAuc(y, p) });
    }
    out.push({ cohort, seed, title: `${cohortLabel(cohort)}, seed ${seed}`, curves });
  }
  return out;
}

/**
 * One point per model and cohort where both models were evaluated: mean test accuracy over the
 * seeds both models ran (so the means compare like with like), and the latency and weights size
 * of its measured `efficiency.json` (a model none of whose runs was measured is left out;
 * latency depends on the machine and backend, so compare within one figure).
 */
export function tradeoffPoints(
  runs: readonly RunRecord[],
  models: readonly ModelName[] = MODEL_NAMES,
): TradeoffPoint[] {
  const points: TradeoffPoint[] = [];
  for (const cohort of sharedCohorts(runs, models)) {
    const seeds = new Set(commonSeeds(runs, models, cohort));
    for (const model of models) {
      const all = runsOf(runs, model, cohort);
      const rs = all.filter((r) => seeds.has(r.config.seed));
      const eff = (rs.find((r) => r.efficiency) ?? all.find((r) => r.efficiency))?.efficiency;
      if (!eff || rs.length === 0) continue;
      const accs = rs.map((r) => protocolEval(r)!.eval.metrics.accuracy);
      points.push({
        group: cohortLabel(cohort),
        model: MODEL_DISPLAY_NAMES[model],
        accuracy: accs.reduce((a, b) => a + b, 0) / accs.length,
        latencyMs: eff.latencyMs,
        weightsMb: eff.weightsBytes / 1e6,
        note: `${rs.length} seed(s), ${eff.inputSize} px, ${eff.backend}`,
      });
    }
  }
  return points;
}

/**
 * The comparison's figures: per cohort both models' ROC curves on one plot, then accuracy
 * against latency and size for every cohort (when any run was measured). Empty when no cohort
 * has both models evaluated.
 */
export async function comparisonSpecs(
  runs: readonly RunRecord[],
  models: readonly ModelName[] = MODEL_NAMES,
): Promise<VegaLiteSpec[]> {
  const rocs = (await comparisonRocs(runs, models)).map((r) =>
    rocSpec(r.curves, { title: `ROC, ${r.title}`, legend: "below" })
  );
  const points = tradeoffPoints(runs, models);
  return points.length > 0 ? [...rocs, tradeoffSpec(points)] : rocs;
}
