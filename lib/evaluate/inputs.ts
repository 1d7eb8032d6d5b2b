/**
 * What an evaluation reads: the run's config and best checkpoint, the rows of the evaluated
 * split (a split of the run, or the Kaggle test folder) and their decoded images.
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { borderMasked } from "../augment/mod.ts";
import { checkpointBasename, type ExperimentConfig, withNewDefaults } from "../config.ts";
import { fail } from "../errors.ts";
import {
  assertSplitClasses,
  type ImageCache,
  type ManifestRow,
  prepareCache,
  readSplit,
  scanDataset,
  type SkippedFile,
} from "../data/mod.ts";
import { dataRoot as defaultDataRoot, fromWorkspace } from "../paths.ts";
import type { SplitCounts } from "../plots/mod.ts";
import { exists } from "../util/fs.ts";

/** Which images to evaluate: a split of the run, or the Kaggle test folder. */
export const EVAL_SPLITS = ["test", "val", "official-test"] as const;
/** One of {@linkcode EVAL_SPLITS}. */
export type EvalSplit = typeof EVAL_SPLITS[number];

/** Reads a JSON file; a CxrError naming `what` and the path otherwise. */
export async function readJson<T>(path: string, what: string): Promise<T> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as T;
  } catch (err) {
    fail(`cannot read ${what} ${path}: ${(err as Error).message}`, { cause: err });
  }
}

/** The checkpoint folder: `<best>`, or `<best>.old` when a crash interrupted its replacement. */
export async function checkpointDir(runDir: string, config: ExperimentConfig): Promise<string> {
  const best = join(runDir, checkpointBasename(config));
  for (const dir of [best, `${best}.old`]) if (await exists(join(dir, "model.json"))) return dir;
  fail(
    `no best checkpoint in ${best} (model.json missing); train the run first: deno task cxr train --run-dir ${runDir}`,
  );
}

/** What {@linkcode loadInputs} needs. */
export interface InputArgs {
  runDir: string;
  split: EvalSplit;
  /** Dataset root. Default: the run's config.dataRoot if it exists, else `CXR_DATA_DIR`. */
  dataRoot?: string;
  /** Image cache root. Default: the data area's default. */
  cacheDir?: string;
  /**
   * Also decode the run's validation images (a threshold chosen on them). They are decoded
   * anyway when the config's `threshold` rule needs them and no threshold is `given`.
   */
  withVal: boolean;
  /** A threshold passed by the caller (then the config's rule is not applied). */
  given?: number;
  print: (line: string) => void;
}

/** Everything an evaluation reads before its first prediction. */
export interface EvaluationInputs {
  runDir: string;
  split: EvalSplit;
  config: ExperimentConfig;
  /** The best checkpoint's folder. */
  modelDir: string;
  /** Rows of the split whose image decoded. */
  rows: ManifestRow[];
  /** Images of the split left out (unreadable, undecodable), with why. */
  leftOut: SkippedFile[];
  /** How many images were left out (`leftOut.length`). */
  skipped: number;
  /** Class counts of the run's splits (and of the official test folder when evaluated). */
  counts: SplitCounts;
  /** The run's validation rows. */
  val: ManifestRow[];
  images: ImageCache;
}

/** Whether the config's threshold rule will be chosen on the validation images. */
const needsVal = (config: ExperimentConfig, split: EvalSplit, given?: number) =>
  given === undefined && config.threshold !== "0.5" && split !== "val";

/** Reads the run, the split's rows and their images; a CxrError when any is missing or empty. */
export async function loadInputs(args: InputArgs): Promise<EvaluationInputs> {
  const { runDir, split } = args;
  // Fields added since an older run was trained take their no-op defaults.
  const config = withNewDefaults(
    await readJson<ExperimentConfig>(join(runDir, "config.json"), "run config"),
  );
  // The run's own data root (stored relative to the workspace), unless it has moved (another
  // machine): then the default.
  const stored = config.dataRoot ? fromWorkspace(config.dataRoot) : "";
  const root = args.dataRoot ?? (stored && await exists(stored) ? stored : defaultDataRoot());
  const modelDir = await checkpointDir(runDir, config);
  const { rows: allRows, counts, val, scanSkipped } = await splitRows(
    split,
    runDir,
    root,
    args.print,
  );
  if (allRows.length === 0) fail(`split '${split}' of ${runDir} is empty; nothing to evaluate`);
  // The same border masking as in training (config field `borderMask`).
  const images = borderMasked(
    await prepareCache({
      dataRoot: root,
      size: config.inputSize,
      cacheDir: args.cacheDir,
      rows: args.withVal || needsVal(config, split, args.given) ? [...allRows, ...val] : allRows,
      progress: false,
    }),
    config.borderMask,
  );
  const rows = allRows.filter((r) => images.has(r.sha256));
  if (rows.length === 0) {
    fail(`no decodable images in split '${split}' under ${root}; check --data`);
  }
  const leftOut = [...scanSkipped, ...undecoded(allRows, images)];
  assertSplitClasses(
    { [split]: rows },
    `the evaluated images under ${root}`,
    "a class missing there leaves sensitivity or specificity undefined; add its images",
  );
  const skipped = leftOut.length;
  return { runDir, split, config, modelDir, rows, leftOut, skipped, counts, val, images };
}

/** Rows whose image is not in the cache, with the reason the cache recorded. */
function undecoded(rows: readonly ManifestRow[], images: ImageCache): SkippedFile[] {
  return rows.filter((r) => !images.has(r.sha256)).map((r) => {
    const why = images.failed.get(r.sha256);
    const reason = why?.startsWith(`${r.path}: `) ? why.slice(r.path.length + 2) : why;
    return { path: r.path, reason: reason ?? "could not be read" };
  });
}

/** "; 2 left out (2 not a readable image), listed in eval-test/skipped.csv", or "" if none. */
export function leftOutNote(inputs: Pick<EvaluationInputs, "leftOut" | "split">): string {
  if (inputs.leftOut.length === 0) return "";
  return `; ${inputs.leftOut.length} left out (${leftOutSummary(inputs.leftOut)}), listed in ` +
    `eval-${inputs.split}/skipped.csv`;
}

/** `leftOut` as "2 not a readable image, 1 could not be read" (most frequent first, then A-Z). */
export function leftOutSummary(leftOut: readonly SkippedFile[]): string {
  const counts = new Map<string, number>();
  for (const { reason } of leftOut) {
    const short = reason.split(":")[0]; // "not a readable image: <decoder message>"
    counts.set(short, (counts.get(short) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([r, n]) => `${n} ${r}`).join(", ");
}

async function splitRows(
  split: EvalSplit,
  runDir: string,
  root: string,
  print: (line: string) => void,
): Promise<
  { rows: ManifestRow[]; counts: SplitCounts; val: ManifestRow[]; scanSkipped: SkippedFile[] }
> {
  const run = await readSplit(
    join(runDir, "splits"),
    `rerun the run's 'deno task cxr train --run-dir ${runDir}' command: it makes the split ` +
      "again from the run's seed (and checks it against its checkpoint)",
  );
  const count = (rows: ManifestRow[]) => ({
    NORMAL: rows.filter((r) => r.label === "NORMAL").length,
    PNEUMONIA: rows.filter((r) => r.label === "PNEUMONIA").length,
  });
  const counts: SplitCounts = {
    train: count(run.train),
    val: count(run.val),
    test: count(run.test),
  };
  if (split !== "official-test") {
    return { rows: run[split], counts, val: run.val, scanSkipped: [] };
  }
  print(`scanning ${root} for the official test folder`);
  const scan = await scanDataset(root, { progress: false });
  const rows = scan.rows.filter((r) => r.officialSplit === "test");
  if (rows.length === 0) {
    fail(
      `no official test images in ${root} (layout ${scan.layout}); official-test needs the Kaggle test/ folder`,
    );
  }
  // Files of the test folder the scan could not read are left out of the evaluation too.
  const scanSkipped = scan.skipped.filter((s) => /^test\//i.test(s.path) && !s.path.endsWith("/"));
  return { rows, counts: { ...counts, "official test": count(rows) }, val: run.val, scanSkipped };
}
