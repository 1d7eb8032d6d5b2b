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

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms; about 15 significant digits). */
function logGamma(x: number): number {
  const c = [
    0.99999999999980993,
    676.5203681218851,
    -1259.1392167224028,
    771.32342877765313,
    -176.61502916214059,
    12.507343278686905,
    -0.13857109526572012,
    9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the regularized incomplete beta function (modified Lentz). */
function betaFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  d = 1 / (Math.abs(d) < tiny ? tiny : d);
  let h = d;
  for (let m = 1; m <= 300; m++) {
    for (
      const num of [
        (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m)),
        (-(a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1)),
      ]
    ) {
      d = 1 + num * d;
      d = 1 / (Math.abs(d) < tiny ? tiny : d);
      c = 1 + num / c;
      if (Math.abs(c) < tiny) c = tiny;
      h *= d * c;
    }
    if (Math.abs(d * c - 1) < 1e-15) break;
  }
  return h;
}

/** The regularized incomplete beta function I_x(a, b). */
function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(
    logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x),
  );
  return x < (a + 1) / (a + b + 2)
    ? (front * betaFraction(a, b, x)) / a
    : 1 - (front * betaFraction(b, a, 1 - x)) / b;
}

/** P(T <= t) for Student's t with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The `p` quantile of Student's t with `df` degrees of freedom (bisection on the CDF). */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0)) return NaN;
  let [lo, hi] = [-1e4, 1e4];
  for (let i = 0; i < 200 && hi - lo > 1e-12; i++) {
    const mid = (lo + hi) / 2;
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/**
 * The two-sided `level` t-interval for the mean over seeds: mean ± t(n-1) · SD / √n. Null with
 * fewer than two values.
 */
export function tInterval(m: MeanSd, level = 0.95): [number, number] | null {
  if (m.n < 2 || !Number.isFinite(m.sd)) return null;
  const half = studentTQuantile(1 - (1 - level) / 2, m.n - 1) * m.sd / Math.sqrt(m.n);
  return [m.mean - half, m.mean + half];
}
