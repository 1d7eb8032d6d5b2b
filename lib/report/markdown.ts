/**
 * The REPORT.md text, built from run records, paired tests, the environment and data facts.
 * Pure: everything it prints comes from its input.
 *
 * @module
 */
import { MODEL_DISPLAY_NAMES, MODEL_NAMES } from "../models/names.ts";
import { PROFILES } from "../config.ts";
import type { EnvironmentInfo } from "./environment.ts";
import type { DataFacts } from "./data_facts.ts";
import type { PairedTest } from "./compare.ts";
import { comparisonReading } from "./compare.ts";
import { KERMANY_RESULT, MAULANA_ACCURACY, PAPER_RESULT, type ReferenceResult } from "./paper.ts";
import {
  type Cohort,
  cohortLabel,
  cohortsOf,
  paperRecipeRuns,
  PROFILE_LABELS,
  protocolEval,
  type RunRecord,
  sameCohort,
} from "./runs.ts";
import { fmt, fmtCi, fmtMeanSd, meanSd } from "./stats.ts";
import { answerSentence, cohortAnswers } from "./answer.ts";
import type { MetricsSummary } from "../metrics/mod.ts";
import { markdownTable, objectTable } from "./_table.ts";
import { recipesSection, type RecipeTrial } from "./recipes.ts";

/** Input of {@linkcode formatReport}. */
export interface ReportInput {
  runs: RunRecord[];
  tests: PairedTest[];
  environment: EnvironmentInfo;
  /** Counts of the dataset; omitted = the caveats section gives no counts. */
  data?: DataFacts;
  /** ISO time stamp printed in the header. */
  generatedAt: string;
  /** Figure files relative to the report, with captions. */
  figures?: { path: string; caption: string }[];
  /** The accuracy-per-seed figure ({@linkcode seedAccuracySpec}) relative to the report. */
  answerFigure?: string;
  /** The recipes tried on the official test ({@linkcode recipesTried}); omitted = none. */
  recipes?: RecipeTrial[];
}

/** A row of the paper table: how to read ours, and which published value sits beside it. */
interface MetricRow {
  label: string;
  ours: (m: MetricsSummary) => number;
  ref: keyof ReferenceResult;
  /** Kermany et al. report sensitivity/specificity rather than per-class recall. */
  kermany?: keyof ReferenceResult;
}

const METRIC_ROWS: MetricRow[] = [
  { label: "accuracy", ours: (m) => m.accuracy, ref: "accuracy" },
  { label: "NORMAL precision", ours: (m) => m.per_class.NORMAL.precision, ref: "normalPrecision" },
  {
    label: "NORMAL recall (specificity)",
    ours: (m) => m.per_class.NORMAL.recall,
    ref: "normalRecall",
    kermany: "specificity",
  },
  { label: "NORMAL F1", ours: (m) => m.per_class.NORMAL.f1, ref: "normalF1" },
  {
    label: "PNEUMONIA precision",
    ours: (m) => m.per_class.PNEUMONIA.precision,
    ref: "pneumoniaPrecision",
  },
  {
    label: "PNEUMONIA recall (sensitivity)",
    ours: (m) => m.per_class.PNEUMONIA.recall,
    ref: "pneumoniaRecall",
    kermany: "sensitivity",
  },
  { label: "PNEUMONIA F1", ours: (m) => m.per_class.PNEUMONIA.f1, ref: "pneumoniaF1" },
  { label: "ROC AUC", ours: (m) => m.roc_auc, ref: "rocAuc" },
  { label: "log loss", ours: (m) => m.log_loss, ref: "logLoss" },
];

/** Held-out metrics of `model` runs of `cohort`, one per run (seed). */
export function metricsOf(
  runs: readonly RunRecord[],
  cohort: Cohort,
  model: string,
): MetricsSummary[] {
  return runs.filter((r) => r.config.model === model)
    .map((r) => protocolEval(r))
    .filter((p) => p && sameCohort(p.cohort, cohort))
    .map((p) => p!.eval.metrics);
}

/** The cohorts in which `model` has evaluated runs. */
function evaluatedCohorts(runs: readonly RunRecord[], model: string): Cohort[] {
  return cohortsOf(runs).filter((c) => metricsOf(runs, c, model).length > 0);
}

const refCell = (ref: ReferenceResult, key: keyof ReferenceResult) => {
  const v = ref[key];
  return typeof v === "number" ? fmt(v) : "—";
};

/**
 * The paper's results beside ours (MobileNetV2), one object per metric keyed by column header:
 * the paper, ours per cohort (mean ± SD over seeds), Kermany et al. on the official test.
 */
export function paperComparison(runs: readonly RunRecord[]): Record<string, string>[] {
  const cohorts = evaluatedCohorts(runs, "mobilenetv2");
  const cols = cohorts.map((c) => metricsOf(runs, c, "mobilenetv2"));
  const header = [
    "metric",
    `paper (${PAPER_RESULT.n} images)`,
    ...cohorts.map((c, i) =>
      `ours: ${cohortLabel(c)} (${cols[i].length} seed${cols[i].length === 1 ? "" : "s"})`
    ),
    `Kermany 2018 (${KERMANY_RESULT.n})`,
  ];
  const rows: string[][] = [[
    "test images",
    String(PAPER_RESULT.n),
    ...cols.map((ms) => ms.length ? [...new Set(ms.map((m) => m.n))].join("/") : "not run"),
    String(KERMANY_RESULT.n),
  ]];
  for (const row of METRIC_ROWS) {
    rows.push([
      row.label,
      refCell(PAPER_RESULT, row.ref),
      ...cols.map((ms) => fmtMeanSd(meanSd(ms.map(row.ours)))),
      refCell(KERMANY_RESULT, row.kermany ?? row.ref),
    ]);
  }
  return rows.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}

function ciTable(runs: readonly RunRecord[]): string {
  const rows: string[][] = [];
  for (const cohort of cohortsOf(runs)) {
    for (const r of runs) {
      const pe = protocolEval(r);
      if (!pe || !sameCohort(pe.cohort, cohort)) continue;
      const m = pe.eval.metrics;
      const cell = (k: "accuracy" | "sensitivity" | "specificity" | "roc_auc") =>
        `${fmt(m[k])} ${fmtCi(m.ci?.[k])}`;
      rows.push([
        cohortLabel(cohort),
        MODEL_DISPLAY_NAMES[r.config.model] ?? r.config.model,
        String(r.config.seed),
        String(m.n),
        cell("accuracy"),
        cell("sensitivity"),
        cell("specificity"),
        cell("roc_auc"),
        `\`${r.config.profile}\`, ${r.config.inputSize} px`,
        r.trainingMinutes === undefined ? "-" : fmt(r.trainingMinutes, 1),
      ]);
    }
  }
  if (rows.length === 0) return "_No evaluated runs._";
  return markdownTable(
    [
      "protocol",
      "model",
      "seed",
      "n",
      "accuracy [95% CI]",
      "sensitivity [95% CI]",
      "specificity [95% CI]",
      "ROC AUC [95% CI]",
      "profile",
      "training min",
    ],
    rows,
  ) +
    "\n\nTraining min: wall time from the first to the last line of the run's `train.log`, less any pause before a resume.";
}

/** The first size and speed measurement of `model` (at `inputSize`, when given) in `runs`. */
function efficiencyOf(runs: readonly RunRecord[], model: string, inputSize?: number) {
  return runs.find((r) =>
    r.config.model === model && (inputSize === undefined || r.config.inputSize === inputSize) &&
    r.efficiency
  )?.efficiency;
}

/**
 * Accuracy, macro F1 and ROC AUC (mean ± SD over seeds) of each model per cohort where the
 * baseline ran, beside its size and latency; one object per row keyed by column header.
 */
export function baselineComparison(runs: readonly RunRecord[]): Record<string, string>[] {
  const rows: Record<string, string>[] = [];
  for (const cohort of evaluatedCohorts(runs, "baseline")) {
    for (const model of MODEL_NAMES) {
      const ms = metricsOf(runs, cohort, model);
      if (ms.length === 0) continue;
      const eff = efficiencyOf(runs, model);
      // The baseline's full profile is cut down for CPU machines (lib/config.ts): show the input.
      const sizes = new Set(
        runs.filter((r) =>
          r.config.model === model && protocolEval(r) &&
          sameCohort(protocolEval(r)!.cohort, cohort)
        ).map((r) => `${r.config.inputSize} px`),
      );
      rows.push({
        protocol: cohortLabel(cohort),
        model: MODEL_DISPLAY_NAMES[model],
        input: [...sizes].join(", "),
        seeds: String(ms.length),
        accuracy: fmtMeanSd(meanSd(ms.map((m) => m.accuracy))),
        "macro F1": fmtMeanSd(meanSd(ms.map((m) => m.macro_avg.f1))),
        "ROC AUC": fmtMeanSd(meanSd(ms.map((m) => m.roc_auc))),
        params: eff ? eff.params.toLocaleString("en-US") : "—",
        "weights MB": eff ? fmt(eff.weightsBytes / 1e6, 2) : "—",
        "latency ms/img": eff ? fmt(eff.latencyMs, 1) : "—",
      });
    }
  }
  return rows;
}

/** McNemar's test per protocol and seed, one object per row keyed by column header. */
export function mcnemarTable(tests: readonly PairedTest[]): Record<string, string>[] {
  return tests.map((t) => ({
    protocol: cohortLabel(t.cohort),
    seed: String(t.seed),
    n: String(t.n),
    "b: MobileNetV2 right, baseline wrong": String(t.b),
    "c: baseline right, MobileNetV2 wrong": String(t.c),
    "McNemar exact p": fmt(t.pValue, 4),
  }));
}

/** The report's "Baseline comparison" section: the table, McNemar's tests and their reading. */
export function baselineSection(runs: readonly RunRecord[], tests: readonly PairedTest[]): string {
  const rows = baselineComparison(runs);
  const parts = [
    `The baseline is a documented stand-in for Maulana et al. 2022 (a non-pretrained CNN whose ` +
    `layers are not published; they report ${fmt(MAULANA_ACCURACY, 2)} accuracy on their own ` +
    `split), trained on the same split and seed as MobileNetV2.` +
    (runs.some((r) =>
        r.config.model === "baseline" && r.config.cacheFrozenFeatures === false &&
        r.config.profile === "fast"
      )
      ? ` It has no frozen part to cache: its \`fast\` runs draw a fresh augmentation every ` +
        `epoch as \`full\` does, and stand under "${PROFILE_LABELS.fast}" only to pair with ` +
        `MobileNetV2's runs of that profile.`
      : ""),
    rows.length ? objectTable(rows) : "_No evaluated runs._",
  ];
  if (tests.length) {
    // In the tables' order: profile full first, then protocol (cohortsOf), then seed.
    const cohorts = cohortsOf(runs);
    const rank = (t: PairedTest) => cohorts.findIndex((c) => sameCohort(c, t.cohort));
    const ordered = [...tests].sort((a, b) => rank(a) - rank(b) || a.seed - b.seed);
    parts.push(objectTable(mcnemarTable(ordered)), comparisonReading(runs, ordered));
  } else {
    parts.push(
      "_No protocol has both models evaluated on the same split and seed, so no McNemar test._",
    );
  }
  return parts.join("\n\n");
}

/**
 * Size, inference speed and training throughput of each model, input size and profile, one
 * object per row keyed by column header. Throughput is averaged within one profile only: a
 * stage-1 epoch on cached frozen features runs about a hundred times faster than a faithful one.
 */
export function efficiencyRows(runs: readonly RunRecord[]): Record<string, string>[] {
  const groups = new Map<string, RunRecord[]>();
  for (const r of runs) {
    const key = `${r.config.model}/${r.config.inputSize}/${r.config.profile}`;
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const rank = ({ config: c }: RunRecord) =>
    MODEL_NAMES.indexOf(c.model) * 1e6 + c.inputSize * 10 + PROFILES.length -
    PROFILES.indexOf(c.profile);
  return [...groups.values()].sort((a, b) => rank(a[0]) - rank(b[0])).map((same) => {
    const { model, inputSize, profile } = same[0].config;
    // Inference speed belongs to the architecture and input, not to how the weights were trained.
    const eff = efficiencyOf(runs, model, inputSize);
    const trainSpeed = (stage: number) =>
      fmtMeanSd(
        meanSd(
          same.flatMap((r) => r.history.filter((h) => h.stage === stage).map((h) => h.img_per_s)),
        ),
        1,
      );
    return {
      model: MODEL_DISPLAY_NAMES[model] ?? model,
      input: `${inputSize} px`,
      training: `${PROFILE_LABELS[profile]} (\`${profile}\`, ${same.length} run${
        same.length === 1 ? "" : "s"
      })`,
      params: eff ? eff.params.toLocaleString("en-US") : "—",
      "weights MB": eff ? fmt(eff.weightsBytes / 1e6, 2) : "—",
      "inference img/s": eff
        ? `${fmt(eff.imgPerS, 1)} (batch ${eff.batchSize}, ${eff.backend})`
        : "—",
      "latency ms/img (batch 1)": eff ? fmt(eff.latencyMs, 1) : "—",
      "train img/s stage 1": trainSpeed(1),
      "train img/s stage 2": trainSpeed(2),
      "training backend": [...new Set(same.map((r) => r.backend ?? "not logged"))].join(", "),
    };
  });
}

function efficiencyTable(runs: readonly RunRecord[]): string {
  const rows = efficiencyRows(runs);
  if (rows.length === 0) return "_No runs._";
  const measured = rows.every((r) => r.params !== "—");
  return [
    objectTable(rows),
    "Parameters count every weight (Keras' total params); MB = 10^6 bytes of float32 weights. " +
    "Inference is measured once per model and input on the backend named beside it" +
    (measured ? "" : " (`deno task cxr report --measure` measures runs that lack it)") +
    ". Training throughput is the mean ± SD over the epochs of that profile's runs: " +
    `\`fast\` computes the frozen part once (cached features, stage 1 trains only the head), ` +
    "`full` runs it on a freshly augmented batch every step, so the two are never averaged together.",
  ].join("\n\n");
}

function environmentTable(env: EnvironmentInfo, runs: readonly RunRecord[]): string {
  const trained = [...new Set(runs.map((r) => r.backend).filter((b) => b))];
  return markdownTable(["", ""], [
    [
      "tfjs backend of this report",
      env.backend === "none"
        ? "none loaded (the report only reads run files)"
        : `${env.backend}${env.device ? ` (${env.device})` : ""}`,
    ],
    ["tfjs backend of the runs' training", trained.join(", ") || "not logged"],
    ["tfjs", env.tfjs],
    ["Deno", `${env.deno} (V8 ${env.v8}, TypeScript ${env.typescript})`],
    ["OS", env.os],
    ["CPU", `${env.cpu}, ${env.cores} logical cores`],
  ]);
}

function caveats(data: DataFacts | undefined): string {
  const items: string[] = [];
  if (data) {
    const pct = (k: number) => `${((100 * k) / data.images).toFixed(0)}%`;
    items.push(
      `Only ${data.originalResolution.toLocaleString("en-US")} of ${
        data.images.toLocaleString("en-US")
      } images ` +
        `(${pct(data.originalResolution)}) keep their original resolution; the other ${
          data.squashed224.toLocaleString("en-US")
        } ` +
        `(${
          pct(data.squashed224)
        }, including every official val and test image) are third-party 224x224 copies whose aspect ` +
        `ratio was not preserved (see the data folder's ATTRIBUTION.md). Every image is resized to the model input ` +
        `with the same squash (fit "fill"), so train and test look alike, but the original-resolution share differs between train and test.`,
      `${data.duplicateGroups} groups of exact duplicates (${data.duplicateExtras} extra copies); the splits keep each group on one side.`,
      `${
        data.patients.toLocaleString("en-US")
      } patient keys (\`personN\` is keyed with its bacteria/virus type; ${data.personsWithBothTypes} ` +
        `\`personN\` values occur with both types, which the dataset does not say are different people: ` +
        `\`--patient-key person\` keys on \`personN\` alone). The paper's split is by ` +
        `image, so one patient's images can sit in ` +
        `both train and test; the patient-level protocol keeps each patient on one side.`,
    );
  } else {
    items.push("Dataset counts were not supplied to the report generator.");
  }
  items.push(
    "The NORMAL originals carry an embedded gray ICC profile and no PNEUMONIA original does; a colour-managed " +
      "decoder would brighten NORMAL images by about 14 gray levels, a label shortcut. The pipeline decodes raw " +
      "sample values and ignores ICC profiles everywhere.",
  );
  return items.map((s) => `- ${s}`).join("\n");
}

/** The warning for `quick` runs, with their subset sizes from config.json. */
function quickNote(runs: readonly RunRecord[]): string {
  const sizes = [
    ...new Set(
      runs.filter((r) => r.config.profile === "quick").map((r) => r.config.subsetPerClass),
    ),
  ].sort((a, b) => a - b);
  const subset = sizes.length === 1 && sizes[0] === 0
    ? "all images"
    : `a balanced subset of ${sizes.filter((n) => n > 0).join(" or ")} per class`;
  return `The \`quick\` profile trains on ${subset} at a small input for 1+1 epochs: its numbers ` +
    "show that the pipeline runs end to end, not what the models can do.";
}

/** `a`, `b` and `c`: run folders as code spans. */
const runNames = (runs: readonly RunRecord[]) => {
  const names = runs.map((r) => `\`${r.dir}\``);
  return names.length < 2 ? names.join("") : `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
};

/** Where the runs' configs depart from the paper's training, read from each config.json. */
function trainingDeviations(runs: readonly RunRecord[]): string {
  const items: string[] = [];
  // The cache holds the frozen base's output of augmented images, so the augmentation is drawn
  // when the cache is built, not per epoch.
  const cached = runs.filter((r) => r.config.cacheFrozenFeatures && r.config.augment?.enabled);
  const views = [...new Set(cached.map((r) => r.config.augmentViews ?? 1))].sort((a, b) => a - b);
  for (const v of views) {
    const these = cached.filter((r) => (r.config.augmentViews ?? 1) === v);
    items.push(
      `Frozen-feature cache (${runNames(these)}): the frozen base's output was computed once per ` +
        `stage, with augmentViews = ${v}, so each training image's augmentation was drawn once ` +
        (v === 1
          ? "(one fixed augmented view per image, reused every epoch) "
          : `(${v} fixed augmented views per image, cycled over the epochs) `) +
        `instead of afresh every epoch as in the paper. Train with \`--no-feature-cache\` for ` +
        `per-epoch augmentation.`,
    );
  }
  // The paper trains at 224 px for up to 15 epochs; the baseline's full profile is cut down.
  const smaller = runs.filter((r) =>
    r.config.profile !== "quick" &&
    (r.config.inputSize < 224 || r.config.stage1Epochs + r.config.stage2Epochs < 15)
  );
  for (const r of smaller) {
    items.push(
      `Reduced setting (${runNames([r])}): ${r.config.inputSize} px input and at most ` +
        `${r.config.stage1Epochs + r.config.stage2Epochs} epochs instead of 224 px and 15 ` +
        `(the baseline's full profile on CPU machines, see \`BASELINE_FULL\` in lib/config.ts).`,
    );
  }
  const keptBiases = runs.filter((r) => r.config.weightDecayScope === "kernels");
  if (keptBiases.length > 0) {
    items.push(
      `Weight decay on kernels only (${runNames(keptBiases)}): biases and BatchNorm gamma/beta ` +
        `were not decayed; Keras' \`AdamW\` (the paper's) decays every trainable variable.`,
    );
  }
  const kaggleVal = runs.filter((r) =>
    r.config.split === "official" && r.config.officialVal === "kaggle"
  );
  if (kaggleVal.length > 0) {
    items.push(
      `Selection on 16 images (${runNames(kaggleVal)}): early stopping and the best checkpoint ` +
        `used the Kaggle \`val/\` folder (8 images per class), where one image moves validation ` +
        `accuracy by 6 points; the official protocol now carves a patient-level 10% of \`train/\`.`,
    );
  }
  const plain = runs.filter((r) => r.config.augment && !r.config.augment.enabled);
  if (plain.length > 0) {
    items.push(`No augmentation (${runNames(plain)}); the paper augments every training image.`);
  }
  return items.length === 0
    ? "_None recorded in the runs' configs._"
    : items.map((s) => `- ${s}`).join("\n");
}

function runList(runs: readonly RunRecord[]): string {
  if (runs.length === 0) return "_No run directories found._";
  return markdownTable(
    ["run", "model", "split", "seed", "profile", "input", "epochs run", "evaluations"],
    runs.map((r) => [
      `\`${r.dir}\``,
      MODEL_DISPLAY_NAMES[r.config.model] ?? r.config.model,
      r.config.split,
      String(r.config.seed),
      r.config.profile,
      String(r.config.inputSize),
      String(r.history.length),
      Object.keys(r.evals).sort().join(", ") || "none",
    ]),
  );
}

function answerSection(input: ReportInput, runs: readonly RunRecord[]): string {
  const answers = cohortAnswers(runs);
  if (answers.length === 0) return "_No evaluated MobileNetV2 runs._";
  const parts = [
    "One sentence per protocol and profile: test accuracy over seeds (each seed its own split " +
    "where the protocol is seeded, and its own initialisation and augmentation), with a 95% " +
    "Student-t interval over seeds, held against the published value for that protocol (the " +
    "paper's on an image-level split; Kermany et al.'s on the official test). Every checkpoint " +
    "was selected on validation data; test images chose nothing.",
    answers.map((a) => `- ${answerSentence(a)}`).join("\n"),
  ];
  if (input.answerFigure) {
    parts.push(`![Test accuracy per seed](${input.answerFigure})`);
  }
  return parts.join("\n\n");
}

/** The whole REPORT.md. */
export function formatReport(input: ReportInput): string {
  const { runs } = input;
  // Another recipe is another experiment: those runs appear in the recipes section only.
  const paper = paperRecipeRuns(runs);
  const others = runs.length - paper.length;
  const profiles = [...new Set(runs.map((r) => r.config.profile))];
  const seeds = [...new Set(runs.map((r) => r.config.seed))].sort((a, b) => a - b);
  const out: string[] = [
    "# Reproduction report: MobileNetV2 pneumonia classification",
    `_Written by the pipeline (lib/report, ${input.generatedAt}); do not edit by hand._`,
    `Profile${profiles.length === 1 ? "" : "s"}: ${
      profiles.map((p) => `\`${p}\``).join(", ") || "none"
    }; ` +
    `seeds: ${seeds.join(", ") || "none"}; runs: ${runs.length}.` +
    (profiles.includes("quick") ? ` **${quickNote(runs)}**` : "") +
    (others > 0
      ? ` Every section but the recipes tried and the run list uses the ${paper.length} ` +
        `run${paper.length === 1 ? "" : "s"} of the paper's recipe; the ${others} ` +
        `run${others === 1 ? "" : "s"} of other recipes appear${others === 1 ? "s" : ""} ` +
        `in those two.`
      : ""),
    "## Does MobileNetV2 reproduce the paper?",
    answerSection(input, paper),
    "## The paper's results beside ours (MobileNetV2)",
    "Ours: mean ± SD over seeds (sample SD; one value when one seed) on each protocol's held-out test set, " +
    "at the 0.5 threshold. Runs split by image or by patient pool all Kaggle folders, so they are never scored on the " +
    "official test folder (it overlaps their training data); the official protocol trains and validates on the Kaggle train/ and val/ folders only.",
    objectTable(paperComparison(paper)),
    "## Per run, with bootstrap 95% confidence intervals",
    "Stratified bootstrap over the test images (percentile intervals).",
    ciTable(paper),
    "## The official test: recipes tried (chosen on validation)",
    recipesSection(input.recipes ?? []),
    "## Baseline comparison",
    baselineSection(paper, input.tests),
    "## Efficiency",
    efficiencyTable(paper),
  ];
  if (input.figures?.length) {
    out.push(
      "## Figures",
      input.figures.map((f) => `**${f.caption}**\n\n![${f.caption}](${f.path})`).join("\n\n"),
    );
  }
  out.push(
    "## Deviations from the paper's training",
    trainingDeviations(paper),
    "## Data caveats",
    caveats(input.data),
    "## Environment",
    environmentTable(input.environment, runs),
    "## Runs",
    runList(runs),
  );
  return out.join("\n\n") + "\n";
}
