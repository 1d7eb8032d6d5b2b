/**
 * The report's answer to its question, one sentence per cohort of MobileNetV2 runs: test
 * accuracy as mean ± SD over seeds with a 95% t-interval, and whether that interval contains
 * the published value for the protocol (the paper's 0.9747 on an image-level split, Kermany et
 * al.'s 0.928 on the official test). Plus a figure of accuracy per seed per cohort with those
 * values as reference lines.
 *
 * @module
 */
import type { VegaLiteSpec } from "../plots/render.ts";
import { KERMANY_RESULT, PAPER_RESULT } from "./paper.ts";
import {
  type Cohort,
  cohortLabel,
  cohortsOf,
  protocolEval,
  type RunRecord,
  sameCohort,
} from "./runs.ts";
import { fmt, type MeanSd, meanSd, tInterval } from "./stats.ts";

/** A published accuracy that a cohort is held against. */
export interface Reference {
  /** Who published it, in a few words. */
  source: string;
  accuracy: number;
}

/** The published value a cohort is compared with (an official-test protocol: Kermany et al.). */
export function referenceFor(cohort: Cohort): Reference {
  return cohort.protocol.startsWith("official")
    ? { source: "Kermany et al.'s", accuracy: KERMANY_RESULT.accuracy }
    : { source: "the paper's", accuracy: PAPER_RESULT.accuracy };
}

/** One cohort's answer. */
export interface CohortAnswer {
  cohort: Cohort;
  /** Test accuracy over seeds. */
  accuracy: MeanSd;
  /** The seeds, in the order of `values`. */
  seeds: number[];
  values: number[];
  /** 95% t-interval over seeds; null with one seed. */
  interval: [number, number] | null;
  reference: Reference;
  /** Whether `interval` contains the reference; null without an interval. */
  contains: boolean | null;
}

/** The answer of every cohort in which `model` has evaluated runs, in cohort order. */
export function cohortAnswers(runs: readonly RunRecord[], model = "mobilenetv2"): CohortAnswer[] {
  const out: CohortAnswer[] = [];
  for (const cohort of cohortsOf(runs)) {
    const these = runs.filter((r) => {
      const pe = protocolEval(r);
      return r.config.model === model && pe !== undefined && sameCohort(pe.cohort, cohort);
    }).sort((a, b) => a.config.seed - b.config.seed);
    if (these.length === 0) continue;
    const values = these.map((r) => protocolEval(r)!.eval.metrics.accuracy);
    const accuracy = meanSd(values);
    const interval = tInterval(accuracy);
    const reference = referenceFor(cohort);
    out.push({
      cohort,
      accuracy,
      seeds: these.map((r) => r.config.seed),
      values,
      interval,
      reference,
      contains: interval
        ? interval[0] <= reference.accuracy && reference.accuracy <= interval[1]
        : null,
    });
  }
  return out;
}

/** The answer as one sentence, built from its numbers only. */
export function answerSentence(a: CohortAnswer): string {
  const ref = `${a.reference.source} ${fmt(a.reference.accuracy, 4)}`;
  const head = `**${cohortLabel(a.cohort)}**: test accuracy ${fmt(a.accuracy.mean)}`;
  if (!a.interval) {
    return `${head} (n = 1 seed: no interval over seeds, so it cannot be said whether it ` +
      `reaches ${ref}).`;
  }
  const where = a.contains
    ? `contains ${ref}: consistent with it`
    : a.interval[1] < a.reference.accuracy
    ? `lies below ${ref}: short of it`
    : `lies above ${ref}: better than it`;
  return `${head} ± ${fmt(a.accuracy.sd)} (mean ± SD over n = ${a.accuracy.n} seeds); the 95% ` +
    `t-interval [${fmt(a.interval[0])}, ${fmt(a.interval[1])}] ${where}.`;
}

/** Accuracy per seed (points), the mean with its t-interval, and the references as rules. */
export function seedAccuracySpec(answers: readonly CohortAnswer[]): VegaLiteSpec {
  const label = (a: CohortAnswer) => cohortLabel(a.cohort);
  const order = answers.map(label);
  const points = answers.flatMap((a) =>
    a.values.map((accuracy, i) => ({ cohort: label(a), seed: a.seeds[i], accuracy }))
  );
  const means = answers.map((a) => ({
    cohort: label(a),
    mean: a.accuracy.mean,
    low: a.interval?.[0] ?? a.accuracy.mean,
    high: a.interval?.[1] ?? a.accuracy.mean,
  }));
  const refs = answers.map((a) => ({
    cohort: label(a),
    reference: a.reference.accuracy,
    source: a.reference.source.replace(/'s$/, ""),
  }));
  const y = {
    field: "cohort",
    type: "nominal" as const,
    sort: order,
    title: null,
    // Two lines, protocol then "(profile)": one line of the longest label is cut short.
    axis: {
      labelLimit: 520,
      labelExpr: "[substring(datum.label, 0, lastindexof(datum.label, ' (')), " +
        "substring(datum.label, lastindexof(datum.label, ' (') + 1)]",
    },
  };
  // Accuracy cannot pass 1; a two-seed interval can, so the axis stops there and clips.
  const x = {
    type: "quantitative" as const,
    scale: { zero: false, domainMax: 1 },
    title: "test accuracy",
  };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    title: {
      text: "Test accuracy per seed",
      subtitle: "bar: 95% t-interval over seeds; tick: published value",
    },
    width: 420,
    height: { step: 34 },
    layer: [
      {
        data: { values: means },
        mark: { type: "rule", strokeWidth: 2, color: "#999", clip: true },
        encoding: { y, x: { field: "low", ...x }, x2: { field: "high" } },
      },
      {
        data: { values: points },
        mark: { type: "circle", size: 60, opacity: 0.8, color: "#1f77b4" },
        encoding: {
          y,
          x: { field: "accuracy", ...x },
          tooltip: [{ field: "seed" }, { field: "accuracy", format: ".4f" }],
        },
      },
      {
        data: { values: means },
        mark: { type: "tick", color: "#333", thickness: 2 },
        encoding: { y, x: { field: "mean", ...x } },
      },
      {
        data: { values: refs },
        mark: { type: "tick", color: "#d62728", thickness: 3, size: 26 },
        encoding: {
          y,
          x: { field: "reference", ...x },
          tooltip: [{ field: "source" }, { field: "reference" }],
        },
      },
    ],
  } as VegaLiteSpec;
}
