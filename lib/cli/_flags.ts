/**
 * Flag parsing shared by the CLI commands: required flags and numbers.
 *
 * @module
 */
import { fail } from "../errors.ts";
import { MAX_BOOTSTRAP_REPLICATES } from "../metrics/bootstrap.ts";

/** The value of a required flag (`usage` shows it, e.g. "--run-dir DIR"); a usage error if absent. */
export function requiredFlag(usage: string, value: string | undefined): string {
  return value ?? fail(`${usage} is required (try --help)`, { exitCode: 2 });
}

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

/** `--bootstrap N`: a whole number of replicates up to {@linkcode MAX_BOOTSTRAP_REPLICATES}. */
export function bootstrapFlag(text: string | undefined, fallback: number): number {
  return numberFlag(
    "bootstrap",
    text,
    fallback,
    (v) => isCount(v) && v <= MAX_BOOTSTRAP_REPLICATES,
    `a whole number of replicates from 0 to ${MAX_BOOTSTRAP_REPLICATES} (more only adds run time)`,
  );
}

/** `text` as a whole number >= 0, undefined when absent; a usage error (exit 2) otherwise. */
export function countFlag(name: string, text: string): number;
export function countFlag(name: string, text: string | undefined): number | undefined;
export function countFlag(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!isCount(n)) fail(`--${name} must be a non-negative integer, got '${text}'`, { exitCode: 2 });
  return n;
}
