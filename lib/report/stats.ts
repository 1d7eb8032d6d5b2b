/**
 * Summary statistics over seeds and the number formats of the report.
 *
 * @module
 */

/** Mean and sample standard deviation (n - 1) of finite values; NaN values are dropped. */
export interface MeanSd {
  mean: number;
  /** Sample SD; NaN when fewer than two values. */
  sd: number;
  /** Values used. */
  n: number;
}

/** Mean and sample SD of the finite values in `xs` (n = 0 gives NaN for both). */
export function meanSd(xs: readonly (number | null | undefined)[]): MeanSd {
  const v = xs.filter((x): x is number => typeof x === "number" && Number.isFinite(x));
  const n = v.length;
  if (n === 0) return { mean: NaN, sd: NaN, n };
  const mean = v.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, sd: NaN, n };
  const ss = v.reduce((a, x) => a + (x - mean) ** 2, 0);
  return { mean, sd: Math.sqrt(ss / (n - 1)), n };
}

/** A number with `digits` decimals, or "—" when missing or not finite. */
export function fmt(x: number | null | undefined, digits = 3): string {
  return typeof x === "number" && Number.isFinite(x) ? x.toFixed(digits) : "—";
}

/** "mean ± SD" (just the mean for one value), or "—" when there is none. */
export function fmtMeanSd(m: MeanSd, digits = 3): string {
  if (m.n === 0) return "—";
  return m.n < 2 ? fmt(m.mean, digits) : `${fmt(m.mean, digits)} ± ${fmt(m.sd, digits)}`;
}

/** "[low, high]", or "—". */
export function fmtCi(ci: readonly [number | null, number | null] | undefined, digits = 3): string {
  if (!ci || ci[0] === null || ci[1] === null) return "—";
  return `[${fmt(ci[0], digits)}, ${fmt(ci[1], digits)}]`;
}
