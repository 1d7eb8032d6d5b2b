/**
 * A seed ensemble: the mean PNEUMONIA probability of several runs (seeds of one recipe) on the
 * images they all scored, read from each run's `eval-<split>/predictions.csv`, and the metrics
 * of that mean at the 0.5 threshold. The runs must have scored the same images with the same
 * labels; an ensemble over different images would mean nothing.
 *
 * @module
 */
import { join } from "node:path";
import { fail } from "../errors.ts";
import {
  type MetricsSummary,
  type PredictionRow,
  readPredictionsCsv,
  summarizeMetrics,
} from "../metrics/mod.ts";

/** A run's predictions on one split. */
interface RunPredictions {
  dir: string;
  rows: PredictionRow[];
}

function readSplit(runDirs: readonly string[], split: string): Promise<RunPredictions[]> {
  if (runDirs.length === 0) fail(`a seed ensemble on ${split} needs at least one run directory`);
  return Promise.all(runDirs.map(async (dir) => ({
    dir,
    rows: await readPredictionsCsv(join(dir, `eval-${split}`, "predictions.csv")),
  })));
}

/**
 * Where the runs' predictions first disagree on what was scored, in words (a run missing an
 * image of the first run, scoring an extra one, or a different label), or null when every run
 * scored the same images with the same labels.
 */
function mismatch(sets: readonly RunPredictions[], split: string): string | null {
  const [first, ...rest] = sets;
  const where = (s: RunPredictions) => `${join(s.dir, `eval-${split}`, "predictions.csv")}`;
  if (first.rows.some((r) => r.path === "")) {
    return `${where(first)} has no path column, so its images cannot be matched`;
  }
  for (const set of rest) {
    const byPath = new Map(set.rows.map((r) => [r.path, r]));
    for (const r of first.rows) {
      const other = byPath.get(r.path);
      if (!other) return `${where(set)} has no prediction for ${r.path} (scored by ${first.dir})`;
      if (other.label !== r.label) {
        return `${where(set)} labels ${r.path} ${other.label}, ${first.dir} labels it ${r.label}`;
      }
    }
    if (set.rows.length !== first.rows.length) {
      const known = new Set(first.rows.map((r) => r.path));
      const extra = set.rows.find((r) => !known.has(r.path));
      return `${where(set)} scores ${
        extra?.path ?? "a repeated image"
      }, which ${first.dir} did not`;
    }
  }
  return null;
}

/**
 * Whether the runs scored different images on `split`: the first difference in words, or null
 * when a {@linkcode seedEnsemble} of them can be built. Each seed of a split carved by seed
 * validates on its own images, so their validation sets differ.
 */
export async function ensembleMismatch(
  runDirs: readonly string[],
  split: string,
): Promise<string | null> {
  return mismatch(await readSplit(runDirs, split), split);
}

/**
 * The metrics of the runs' mean PNEUMONIA probability per image on `split` (threshold 0.5).
 * CxrError naming the run and the first differing image when the runs scored different images.
 */
export async function seedEnsemble(
  runDirs: readonly string[],
  split: string,
): Promise<MetricsSummary> {
  const sets = await readSplit(runDirs, split);
  const problem = mismatch(sets, split);
  if (problem) {
    fail(`cannot average the seeds on ${split}: ${problem}; evaluate every run on the same images`);
  }
  const byPath = sets.map((s) => new Map(s.rows.map((r) => [r.path, r.prob])));
  const rows = sets[0].rows;
  const probs = rows.map((r) => byPath.reduce((sum, m) => sum + m.get(r.path)!, 0) / sets.length);
  return summarizeMetrics(rows.map((r) => r.label), probs, { threshold: 0.5 });
}
