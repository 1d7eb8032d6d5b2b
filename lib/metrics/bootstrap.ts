/**
 * Seeded, stratified bootstrap confidence intervals: each replicate draws, with replacement, as
 * many positives from the positives and negatives from the negatives as the set has, so every
 * replicate keeps the class balance (and AUC stays defined). Intervals are percentile intervals
 * with numpy's default linear interpolation; replicates where a statistic is NaN are left out
 * of that statistic's interval.
 *
 * @module
 */
import { CxrError } from "../errors.ts";
import { Rng } from "../util/rng.ts";
import { checkBinary } from "./_binary.ts";

/**
 * The most replicates accepted: 100,000 already puts the Monte Carlo error of a 95% interval's
 * ends far below the sampling error they describe; more only costs minutes.
 */
export const MAX_BOOTSTRAP_REPLICATES = 100_000;

/** Options for {@linkcode bootstrapCi}. */
export interface BootstrapOptions {
  /** Number of replicates. Default 1000. */
  replicates?: number;
  /** Seed of the resampling. Default 0. */
  seed?: number;
  /** Coverage of the interval. Default 0.95 (the 2.5th and 97.5th percentiles). */
  level?: number;
}

/** numpy's `percentile(values, 100 * q)` with linear interpolation; `sorted` ascending. */
export function percentile(sorted: number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** `[low, high]` per key of `statistic`, from stratified bootstrap replicates of (yTrue, prob). */
export function bootstrapCi<K extends string>(
  yTrue: ArrayLike<number>,
  prob: ArrayLike<number>,
  statistic: (yTrue: number[], prob: number[]) => Record<K, number>,
  opts: BootstrapOptions = {},
): Record<K, [number, number]> {
  const n = checkBinary(yTrue, prob);
  const replicates = opts.replicates ?? 1000;
  if (
    !(Number.isInteger(replicates) && replicates >= 0 && replicates <= MAX_BOOTSTRAP_REPLICATES)
  ) {
    throw new CxrError(
      `bootstrap replicates ${replicates}: expected a whole number from 0 to ` +
        `${MAX_BOOTSTRAP_REPLICATES} (more only adds run time)`,
    );
  }
  const alpha = (1 - (opts.level ?? 0.95)) / 2;
  const rng = new Rng(opts.seed ?? 0);
  const strata = [0, 1].map((c) =>
    Array.from({ length: n }, (_, i) => i).filter((i) => yTrue[i] === c)
  );
  const values = new Map<K, number[]>();
  for (let r = 0; r < replicates; r++) {
    const ys: number[] = [];
    const ps: number[] = [];
    for (const stratum of strata) {
      for (let k = 0; k < stratum.length; k++) {
        const i = stratum[rng.int(stratum.length)];
        ys.push(yTrue[i]);
        ps.push(prob[i]);
      }
    }
    for (const [key, v] of Object.entries(statistic(ys, ps)) as [K, number][]) {
      if (!values.has(key)) values.set(key, []);
      if (!Number.isNaN(v)) values.get(key)!.push(v);
    }
  }
  const ci = {} as Record<K, [number, number]>;
  for (const [key, vs] of values) {
    vs.sort((a, b) => a - b);
    ci[key] = [percentile(vs, alpha), percentile(vs, 1 - alpha)];
  }
  return ci;
}
