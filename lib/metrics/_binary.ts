/**
 * Shared input checks and the cumulative counts every threshold curve is built from.
 *
 * @module
 */

/** Labels (0 = NORMAL, 1 = PNEUMONIA) and scores of one set, checked to be the same length. */
export function checkBinary(yTrue: ArrayLike<number>, scores: ArrayLike<number>): number {
  if (yTrue.length !== scores.length) {
    throw new RangeError(`labels (${yTrue.length}) and scores (${scores.length}) differ in length`);
  }
  for (let i = 0; i < yTrue.length; i++) {
    if (yTrue[i] !== 0 && yTrue[i] !== 1) {
      throw new RangeError(`label at index ${i} is ${yTrue[i]}; expected 0 or 1`);
    }
  }
  return yTrue.length;
}

/** Counts of positives and negatives. */
export function classCounts(yTrue: ArrayLike<number>): { pos: number; neg: number } {
  let pos = 0;
  for (let i = 0; i < yTrue.length; i++) pos += yTrue[i];
  return { pos, neg: yTrue.length - pos };
}

/**
 * scikit-learn's `_binary_clf_curve`: scores sorted descending; one entry per distinct score
 * (ties collapse into one step), with the true/false positives counted at or above it.
 */
export function binaryClfCurve(
  yTrue: ArrayLike<number>,
  scores: ArrayLike<number>,
): { fps: number[]; tps: number[]; thresholds: number[] } {
  const n = checkBinary(yTrue, scores);
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[b] - scores[a]);
  const fps: number[] = [];
  const tps: number[] = [];
  const thresholds: number[] = [];
  let tp = 0;
  for (let k = 0; k < n; k++) {
    tp += yTrue[order[k]];
    const s = scores[order[k]];
    if (k === n - 1 || scores[order[k + 1]] !== s) {
      tps.push(tp);
      fps.push(k + 1 - tp);
      thresholds.push(s);
    }
  }
  return { fps, tps, thresholds };
}
