/**
 * Notebook 06's steps around lib/shift: the official-protocol run it studies (trained in the
 * quick profile, only read in the full one), predicted-probability groups (from the model when
 * its checkpoint is there, else from the finished runs' test predictions), and the figures.
 *
 * @module
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { shownPath } from "../paths.ts";
import { type ImageCache, prepareCache } from "../data/mod.ts";
import { type PredictionRow, readPredictionsCsv } from "../metrics/mod.ts";
import {
  boxPlotSpec,
  boxSummary,
  type CamMassPoint,
  camMassSpec,
  probabilityHistogram,
  probabilityHistogramSpec,
  type VegaLiteSpec,
} from "../plots/mod.ts";
import {
  type CamMassRow,
  type ImageRef,
  openRunModel,
  type OperatingPointCheck,
  type OperatingPointOfRun,
  operatingPointOfRunDir,
  predictRows,
  type RunModel,
  STAT_NAMES,
  type StatsRow,
} from "../shift/mod.ts";
import { trainRun } from "../train/mod.ts";
import { evaluateRun } from "../evaluate/mod.ts";
import { exists } from "../util/fs.ts";
import { PROFILES } from "../config.ts";
import type { NotebookParams } from "./params.ts";
import { notebookConfig, runDirOf } from "./runs.ts";

/** Groups in display order: each class, train folder first. */
export const GROUP_ORDER = [
  "train NORMAL",
  "val NORMAL",
  "test NORMAL",
  "train PNEUMONIA",
  "val PNEUMONIA",
  "test PNEUMONIA",
];

/** Box plots of every statistic per folder and class. */
export function statsFigure(rows: readonly StatsRow[]): VegaLiteSpec {
  const groups = GROUP_ORDER.filter((g) => rows.some((r) => r.group === g));
  const boxes = STAT_NAMES.flatMap((s) =>
    groups.map((g) => boxSummary(g, s, rows.filter((r) => r.group === g).map((r) => r[s])))
  );
  return boxPlotSpec(boxes, { groups, title: "Image statistics per Kaggle folder and class" });
}

/** The run notebook 06 studies and its model (or why there is none). */
export interface ShiftRun {
  runDir: string;
  /** `runDir` as shown in the notebook (relative to the workspace). */
  name: string;
  model: RunModel;
}

/**
 * The official-protocol MobileNetV2 run of `seed`: the quick profile trains it here (a few
 * minutes, resumable); the full profile reads the finished run and never trains.
 */
export async function shiftRun(
  params: NotebookParams,
  seed = params.seeds[0],
): Promise<ShiftRun> {
  const official = { ...params, split: "official" as const };
  const runDir = runDirOf(official, "mobilenetv2", seed);
  if (params.profile === "quick") {
    const config = await notebookConfig(official, "mobilenetv2", seed);
    await trainRun({ config, runDir });
    for (const split of ["val", "test"] as const) {
      if (await exists(join(runDir, `eval-${split}`, "predictions.csv"))) continue;
      await evaluateRun({ runDir, split, dataRoot: params.dataDir, gradcamPerOutcome: 0 });
    }
  }
  const name = shownPath(runDir);
  const hint = `; train it with \`deno task cxr train --run-dir ${name} --split official ` +
    `--profile ${params.profile} --seed ${seed}\``;
  return { runDir, name, model: await openRunModel(runDir, name, hint) };
}

/** Predicted probabilities per group, with where they came from. */
export interface ProbabilityGroups {
  byGroup: Record<string, number[]>;
  /** The images and probabilities of the test folder (model only), for the later checks. */
  test?: { rows: ImageRef[]; probs: number[]; images: ImageCache };
  source: string;
}

/**
 * With the model: its probabilities for the NORMAL images of every folder in `stats` and the
 * test folder's PNEUMONIA images. Without: the test predictions (`eval-test/predictions.csv`)
 * of every finished official MobileNetV2 run under `params.runDir`, per seed.
 */
export async function probabilityGroups(
  params: NotebookParams,
  run: ShiftRun,
  stats: readonly StatsRow[],
): Promise<ProbabilityGroups> {
  if (!run.model.ok) return await fromPredictions(params);
  const { model, config } = run.model;
  const groups = ["train NORMAL", "val NORMAL", "test NORMAL", "test PNEUMONIA"];
  const rows = stats.filter((r) => groups.includes(r.group));
  const images = await prepareCache({
    dataRoot: params.dataDir,
    size: config.inputSize,
    rows: rows.map((r) => ({ ...r, officialSplit: r.folder, patientId: "", width: 0, height: 0 })),
    progress: false,
  });
  const kept = rows.filter((r) => images.has(r.sha256));
  const probs = await predictRows(model, images, kept, { label: "predict" });
  const byGroup: Record<string, number[]> = {};
  for (const g of groups) byGroup[g] = probs.filter((_, i) => kept[i].group === g);
  const test = kept.flatMap((r, i) => (r.folder === "test" ? [{ r, p: probs[i] }] : []));
  return {
    byGroup,
    test: { rows: test.map((t) => t.r), probs: test.map((t) => t.p), images },
    source: `the checkpoint of \`${shownPath(run.runDir)}\` (${config.inputSize} px)`,
  };
}

/** Test predictions of the official MobileNetV2 runs in `<root>/official/`, per seed. */
async function officialPredictions(root: string) {
  const dir = join(root, "official");
  const names = (await exists(dir)) ? (await readdir(dir)).sort() : [];
  const byGroup: Record<string, number[]> = {};
  const used: string[] = [];
  for (const name of names.filter((n) => /^mobilenetv2-seed\d+$/.test(n))) {
    const csv = join(dir, name, "eval-test", "predictions.csv");
    if (!(await exists(csv))) continue;
    const rows: PredictionRow[] = await readPredictionsCsv(csv);
    const seed = name.slice("mobilenetv2-".length);
    byGroup[`test NORMAL (${seed})`] = rows.filter((r) => r.label === 0).map((r) => r.prob);
    byGroup[`test PNEUMONIA (${seed})`] = rows.filter((r) => r.label === 1).map((r) => r.prob);
    used.push(csv);
  }
  return { byGroup, used };
}

/**
 * The finished official runs of this profile's run folder; when it has none, those of another
 * profile under `<outputs>/runs/` (the source line names the folder, so profiles are never mixed
 * silently).
 */
async function fromPredictions(params: NotebookParams): Promise<ProbabilityGroups> {
  const others = PROFILES.filter((p) => p !== params.profile)
    .map((p) => join(params.outputsDir, "runs", p));
  for (const root of [params.runDir, ...others]) {
    const { byGroup, used } = await officialPredictions(root);
    if (used.length === 0) continue;
    const note = root === params.runDir ? "" : ` (profile folder \`${shownPath(root)}\`: ` +
      `this profile has no finished official run)`;
    return {
      byGroup,
      source: `the test predictions of ${used.map((u) => `\`${shownPath(u)}\``).join(", ")}${note}`,
    };
  }
  return {
    byGroup: {},
    source: `nothing: no finished official run under \`${shownPath(params.runDir)}\` or \`${
      shownPath(join(params.outputsDir, "runs"))
    }\``,
  };
}

/** Per group: images, median probability, and the shares called PNEUMONIA at 0.5 and 0.9. */
export function probabilityTable(byGroup: Readonly<Record<string, readonly number[]>>) {
  return Object.entries(byGroup).map(([group, p]) => {
    const s = [...p].sort((a, b) => a - b);
    const share = (t: number) => `${(100 * p.filter((v) => v >= t).length / p.length).toFixed(1)}%`;
    return {
      group,
      images: p.length,
      "median p": s.length ? Number(boxSummary(group, "p", s).median.toFixed(3)) : NaN,
      "p ≥ 0.5": share(0.5),
      "p ≥ 0.9": share(0.9),
    };
  });
}

/** The histogram figure of {@linkcode probabilityGroups}. */
export function probabilityFigure(groups: ProbabilityGroups): VegaLiteSpec {
  return probabilityHistogramSpec(probabilityHistogram(groups.byGroup), {
    title: "Predicted probability of PNEUMONIA per group",
  });
}

/** Grad-CAM mass per image as figure points, one per region. */
export function camMassFigure(rows: readonly CamMassRow[]): VegaLiteSpec {
  const points: CamMassPoint[] = rows.flatMap((r) => [
    { outcome: r.outcome, correct: r.correct, region: "lung box", mass: r.lungBox },
    { outcome: r.outcome, correct: r.correct, region: "body mask (Otsu)", mass: r.bodyMask },
  ]);
  return camMassSpec(points, { title: "Grad-CAM heat inside the lung box and the body mask" });
}

/** Mean heat share per outcome and region, with the number of images. */
export function camMassTable(rows: readonly CamMassRow[]) {
  const outcomes = ["TP", "FP", "TN", "FN"];
  const mean = (v: number[]) =>
    v.length ? Number((v.reduce((s, x) => s + x, 0) / v.length).toFixed(3)) : NaN;
  return outcomes.map((o) => {
    const g = rows.filter((r) => r.outcome === o);
    const ok = (k: "lungBox" | "bodyMask") => g.map((r) => r[k]).filter(Number.isFinite);
    return {
      outcome: o,
      images: g.length,
      "heat in lung box": mean(ok("lungBox")),
      "heat in body mask": mean(ok("bodyMask")),
    };
  });
}

/** The operating-point check of notebook 06's run (see {@linkcode operatingPointOfRunDir}). */
export async function operatingPointOfRun(run: ShiftRun): Promise<OperatingPointOfRun> {
  return await operatingPointOfRunDir(run.runDir, run.name);
}

/** The ladder as table rows: a threshold per row, validation and test rates side by side. */
export function operatingPointTable(check: OperatingPointCheck) {
  const thresholds = [...new Set(check.ladder.map((l) => l.rates.threshold))];
  const at = (split: string, t: number) =>
    check.ladder.find((l) => l.split === split && l.rates.threshold === t)!.rates;
  const r3 = (v: number) => Number(v.toFixed(3));
  return thresholds.map((t) => {
    const [v, s] = [at("validation", t), at("test", t)];
    return {
      threshold: Number(t.toPrecision(4)),
      "val accuracy": r3(v.accuracy),
      "val sensitivity": r3(v.sensitivity),
      "val specificity": r3(v.specificity),
      "test accuracy": r3(s.accuracy),
      "test sensitivity": r3(s.sensitivity),
      "test specificity": r3(s.specificity),
      note: t === check.testOracle.threshold ? "best on test (oracle: reads test labels)" : "",
    };
  });
}
