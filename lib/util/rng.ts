/**
 * Seeded pseudo-random numbers, so splits, shuffles, augmentation and bootstraps repeat
 * exactly for a seed. Mulberry32: small, fast, and its state is one uint32 that a resumable
 * run can save and restore.
 *
 * @module
 */

/** A seeded generator of floats in [0, 1). */
export class Rng {
  #state: number;
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }
  /** The generator state, for saving and restoring (see {@linkcode Rng.fromState}). */
  get state(): number {
    return this.#state;
  }
  /** A generator that continues from a saved {@linkcode Rng.state}. */
  static fromState(state: number): Rng {
    return new Rng(state);
  }
  /** Next float in [0, 1). */
  next(): number {
    let t = (this.#state = (this.#state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Uniform float in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }
  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** Shuffles `items` in place (Fisher-Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }
  toString(): string {
    return `Rng(state=${this.#state})`;
  }
}

/**
 * Runs `fn` with Math.random drawing from a generator seeded by `seed`. tfjs takes the seeds of
 * unseeded weight initializers from Math.random, so this makes a model's initial weights (a new
 * head, or all of a model trained from scratch) repeat for a seed.
 */
export async function withSeededRandom<T>(seed: number, fn: () => Promise<T>): Promise<T> {
  const original = Math.random;
  const rng = new Rng(seed);
  Math.random = () => rng.next();
  try {
    return await fn();
  } finally {
    Math.random = original;
  }
}
