/**
 * `writeReport`: reads run directories, runs the paired tests, copies the key figures and
 * writes REPORT.md atomically.
 *
 * @module
 */
import { MODEL_DISPLAY_NAMES } from "../models/names.ts";
import { copyFile, mkdir, readdir, rm, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import { scanDataset } from "../data/mod.ts";
import { writeFileAtomic } from "../util/atomic.ts";
import { writeFigure } from "../plots/render.ts";
import { cohortAnswers, seedAccuracySpec } from "./answer.ts";
import { pairedTests } from "./compare.ts";
import { type DataFacts, dataFacts } from "./data_facts.ts";
import { type EnvironmentInfo, environmentInfo } from "./environment.ts";
import { formatReport } from "./markdown.ts";
import { recipesTried, type RecipeTrial } from "./recipes.ts";
import { operatingPointFigure } from "../shift/mod.ts";
import {
  cohortLabel,
  cohortsOf,
  findRunDirs,
  paperRecipeRuns,
  protocolEval,
  readRun,
  type RunRecord,
  sameCohort,
} from "./runs.ts";

/** Options for {@linkcode writeReport}. */
/** The profiles whose runs the committed report reads (fast ones reported apart). */
export const REPORT_PROFILES = ["full", "fast"] as const;

/**
 * The run folders `outputs/REPORT.md` is written from: `<outputs>/runs/<profile>` for each of
 * {@linkcode REPORT_PROFILES}. `cxr report` and notebook 05 both use it, so either writes the
 * same report.
 */
export function reportRunRoots(outputs: string): string[] {
  return REPORT_PROFILES.map((profile) => join(outputs, "runs", profile));
}

export interface WriteReportOptions {
  /** Run directories, or folders searched (3 levels deep) for run directories. */
  runs: string[];
  /** Where REPORT.md and figures/ go. */
  outDir: string;
  /** Dataset root scanned for the data caveats' counts. Default: none (no counts). */
  dataRoot?: string;
  /** Counts, when the caller already has them (wins over `dataRoot`). */
  data?: DataFacts;
  /** Backend as initBackend reported it. Default: tfjs's active backend. */
  backend?: { name: string; device: string };
  /** Header time stamp. Default: now, ISO 8601. */
  generatedAt?: string;
}

/** What {@linkcode writeReport} wrote. */
export interface WriteReportResult {
  path: string;
  markdown: string;
  runs: RunRecord[];
  environment: EnvironmentInfo;
}

/** Figures copied per protocol and model (the first seed's evaluation), in report order. */
const FIGURES: [file: string, caption: string][] = [
  ["training_curves.png", "training curves"],
  ["confusion_matrix.png", "confusion matrix"],
  ["roc.png", "ROC curve"],
  ["gradcam_grid.png", "Grad-CAM examples"],
];

async function copyFigures(runs: RunRecord[], outDir: string) {
  const figures: { path: string; caption: string }[] = [];
  // Per cohort of the leading profile (full when it has runs), MobileNetV2 before the baseline;
  // the lowest seed of each.
  const cohorts = cohortsOf(runs.filter((r) => protocolEval(r)));
  const shown = cohorts.filter((c) => c.profile === cohorts[0]?.profile);
  const order = (r: RunRecord) => [
    shown.findIndex((c) => sameCohort(c, protocolEval(r)!.cohort)),
    r.config.model === "mobilenetv2" ? 0 : 1,
    r.config.seed,
  ];
  const sorted = runs.filter((r) => protocolEval(r) && order(r)[0] >= 0).sort((a, b) => {
    const [x, y] = [order(a), order(b)];
    return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
  });
  const done = new Set<string>();
  for (const run of sorted) {
    const pe = protocolEval(run)!;
    const key = `${pe.cohort.profile}_${pe.protocol}_${run.config.model}`;
    if (done.has(key)) continue;
    done.add(key);
    for (const [file, caption] of FIGURES) {
      const src = join(pe.eval.dir, file);
      if (!(await stat(src).then((s) => s.isFile(), () => false))) continue;
      const name = `${key}_seed${run.config.seed}_${file}`;
      await mkdir(join(outDir, "figures"), { recursive: true });
      await copyFile(src, join(outDir, "figures", name));
      figures.push({
        path: `figures/${name}`,
        caption: `${MODEL_DISPLAY_NAMES[run.config.model] ?? run.config.model}, ${
          cohortLabel(pe.cohort)
        }, seed ${run.config.seed}: ${caption}`,
      });
    }
  }
  return figures;
}

/**
 * Removes copied run figures (names ending in one of {@linkcode FIGURES}' files) that this
 * report no longer shows, so the folder holds what REPORT.md links to and nothing stale.
 */
async function pruneFigures(dir: string, kept: readonly string[]): Promise<void> {
  const keep = new Set(kept.map((p) => p.slice("figures/".length)));
  const names = await readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    if (keep.has(name) || !FIGURES.some(([file]) => name.endsWith(`_${file}`))) continue;
    await rm(join(dir, name), { force: true });
  }
}

/** Writes each trial's threshold-ladder figure into `<outDir>/figures/` and links it. */
async function withLadderFigures(trials: RecipeTrial[], outDir: string): Promise<RecipeTrial[]> {
  const out: RecipeTrial[] = [];
  for (const t of trials) {
    if (!t.operatingPoint) {
      out.push(t);
      continue;
    }
    const name = `official_threshold_ladder_${t.profile}`;
    await mkdir(join(outDir, "figures"), { recursive: true });
    await writeFigure(operatingPointFigure(t.operatingPoint), join(outDir, "figures", name));
    out.push({ ...t, operatingPointFigure: `figures/${name}.png` });
  }
  return out;
}

/** Builds `<outDir>/REPORT.md` from run directories (see the module doc). */
export async function writeReport(opts: WriteReportOptions): Promise<WriteReportResult> {
  const dirs = [...new Set((await Promise.all(opts.runs.map((r) => findRunDirs(r)))).flat())]
    .sort();
  const runs = await Promise.all(dirs.map(readRun));
  // The main sections aggregate the paper's recipe; every recipe is in the recipes section.
  const paper = paperRecipeRuns(runs);
  const tests = await pairedTests(paper);
  const recipes = await withLadderFigures(await recipesTried(runs), opts.outDir);
  const data = opts.data ??
    (opts.dataRoot
      ? dataFacts((await scanDataset(opts.dataRoot, { progress: false })).rows)
      : undefined);
  const environment = environmentInfo(opts.backend);
  const figures = await copyFigures(paper, opts.outDir);
  await pruneFigures(join(opts.outDir, "figures"), figures.map((f) => f.path));
  const answers = cohortAnswers(paper);
  let answerFigure: string | undefined;
  if (answers.length > 0) {
    await mkdir(join(opts.outDir, "figures"), { recursive: true });
    await writeFigure(seedAccuracySpec(answers), join(opts.outDir, "figures", "accuracy_per_seed"));
    answerFigure = "figures/accuracy_per_seed.png";
  }
  const markdown = formatReport({
    // Paths as seen from the report.
    runs: runs.map((r) => ({ ...r, dir: relative(opts.outDir, r.dir) || "." })),
    tests,
    environment,
    data,
    generatedAt: opts.generatedAt ?? new Date().toISOString(),
    figures,
    answerFigure,
    recipes,
  });
  const path = join(opts.outDir, "REPORT.md");
  await writeFileAtomic(path, markdown);
  return { path, markdown, runs, environment };
}
