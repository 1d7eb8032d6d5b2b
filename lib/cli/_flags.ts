/**
 * Numeric flag parsing for the evaluation commands (metrics, evaluate).
 *
 * @module
 */
import { fail } from "../errors.ts";

/** `text` as a number satisfying `ok`, `fallback` when absent; a usage error (exit 2) otherwise. */
export function numberFlag(
  name: string,
  text: string | undefined,
  fallback: number,
  ok: (v: number) => boolean,
  what: string,
): number {
  if (text === undefined) return fallback;
  const v = Number(text);
  if (text.trim() === "" || !ok(v)) fail(`--${name} ${text}: expected ${what}`, { exitCode: 2 });
  return v;
}

/** Accepts a probability threshold in [0, 1]. */
export const isUnit = (v: number): boolean => v >= 0 && v <= 1;
/** Accepts a whole number >= 0. */
export const isCount = (v: number): boolean => Number.isInteger(v) && v >= 0;
