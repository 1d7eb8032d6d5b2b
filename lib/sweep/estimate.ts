/**
 * Time left in a sweep, from measured epoch times: the lower quartile of the seconds an epoch of
 * each stage of each model took, over the epochs already on disk (history.json), or a stated
 * default where nothing was measured yet, times the epochs still planned. Epochs that shared the
 * machine with other work run up to several times slower, and a mean follows them; the lower
 * quartile is still a measured epoch but tracks the machine's undisturbed speed. Early stopping
 * can only shorten a run, so the time is otherwise an upper bound on training.
 *
 * @module
 */
import { defaultConfig, type ExperimentConfig, type ModelName, type Profile } from "../config.ts";
import type { SweepCell } from "./grid.ts";
import type { CellDiskState, EpochTime } from "./status.ts";

/**
 * Assumed seconds per epoch of stage 1 and stage 2 before anything is measured. Full profile:
 * MobileNetV2 at 224 px recomputing the frozen part every epoch (41 img/s for stage 1's
 * forward, 17 img/s for stage 2's step on 2 cores, about 4,700 training images); the baseline
 * at 96 px from scratch (about 300 s per epoch on 2 cores). Quick: 96 images at 96 px.
 */
export const DEFAULT_EPOCH_SECONDS: Readonly<Record<string, Record<ModelName, number[]>>> = {
  quick: { mobilenetv2: [8, 10], baseline: [5] },
  fast: { mobilenetv2: [2, 140], baseline: [300] },
  full: { mobilenetv2: [130, 290], baseline: [300] },
};

/** Assumed seconds per cell besides its epochs (start, data, frozen features, evaluation). */
export const DEFAULT_CELL_OVERHEAD_SECONDS: Readonly<Record<string, number>> = {
  quick: 30,
  fast: 300,
  full: 120,
};

/** Epochs a cell plans per stage under `profile` with the sweep's config fields. */
export function plannedEpochs(
  profile: string,
  model: ModelName,
  config: Record<string, unknown> | null,
): number[] {
  let c: ExperimentConfig;
  try {
    c = defaultConfig(profile as Profile, model);
  } catch {
    c = defaultConfig("full", model);
  }
  const pick = (key: "stage1Epochs" | "stage2Epochs") =>
    typeof config?.[key] === "number" && !(model === "baseline" && key === "stage2Epochs")
      ? config[key] as number
      : c[key];
  return [pick("stage1Epochs"), pick("stage2Epochs")];
}

/** Seconds per epoch by model and stage, and whether each was measured. */
export interface EpochRates {
  seconds: Record<string, number[]>;
  measured: Record<string, boolean[]>;
}

/**
 * The lower quartile (nearest rank: the value at position ceil(n/4) of the sorted list) of
 * `seconds`; NaN for none.
 */
export function lowerQuartile(seconds: readonly number[]): number {
  if (seconds.length === 0) return NaN;
  const sorted = [...seconds].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(sorted.length / 4) - 1)];
}

/**
 * Measured seconds per (model, stage) over `states` ({@linkcode lowerQuartile} of the epochs),
 * the profile's defaults elsewhere.
 */
export function epochRates(
  profile: string,
  items: { cell: SweepCell; state: CellDiskState }[],
): EpochRates {
  const defaults = DEFAULT_EPOCH_SECONDS[profile] ?? DEFAULT_EPOCH_SECONDS.full;
  const rates: EpochRates = { seconds: {}, measured: {} };
  for (const model of Object.keys(defaults) as ModelName[]) {
    const times: EpochTime[] = items.filter((i) => i.cell.model === model)
      .flatMap((i) => i.state.epochTimes);
    rates.seconds[model] = [];
    rates.measured[model] = [];
    for (const stage of [1, 2]) {
      const s = times.filter((t) => t.stage === stage).map((t) => t.seconds);
      const fallback = defaults[model][stage - 1] ?? defaults[model][0];
      rates.seconds[model].push(s.length ? lowerQuartile(s) : fallback);
      rates.measured[model].push(s.length > 0);
    }
  }
  return rates;
}

/** Seconds left for one cell: its unfinished epochs at `rates`, plus the per-cell overhead. */
export function cellSecondsLeft(
  profile: string,
  cell: SweepCell,
  state: CellDiskState,
  rates: EpochRates,
  config: Record<string, unknown> | null = null,
): number {
  if (state.finished) return 0;
  const planned = plannedEpochs(profile, cell.model, config);
  let seconds = DEFAULT_CELL_OVERHEAD_SECONDS[profile] ?? DEFAULT_CELL_OVERHEAD_SECONDS.full;
  planned.forEach((epochs, i) => {
    const done = state.epochTimes.filter((t) => t.stage === i + 1).length;
    seconds += Math.max(0, epochs - done) * (rates.seconds[cell.model]?.[i] ?? 0);
  });
  return seconds;
}

/** Wall seconds left for the cells on `jobs` parallel workers (work divided evenly). */
export function sweepSecondsLeft(
  profile: string,
  items: { cell: SweepCell; state: CellDiskState }[],
  jobs: number,
  config: Record<string, unknown> | null = null,
): number {
  const rates = epochRates(profile, items);
  const total = items.reduce(
    (a, i) => a + cellSecondsLeft(profile, i.cell, i.state, rates, config),
    0,
  );
  return total / Math.max(1, Math.min(jobs, items.filter((i) => !i.state.finished).length || 1));
}

/** `5400` -> `"1 h 30 min"`, `95` -> `"2 min"`, `20` -> `"20 s"`. */
export function formatDuration(seconds: number): string {
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m ? `${h} h ${m} min` : `${h} h`;
}

/** One line saying where the per-epoch times come from. */
export function describeRates(profile: string, rates: EpochRates, models: ModelName[]): string {
  return models.map((model) => {
    const parts = rates.seconds[model].map((s, i) =>
      `stage ${i + 1} ${Math.round(s)} s/epoch (${
        rates.measured[model][i] ? "lower quartile of measured epochs" : `assumed for ${profile}`
      })`
    );
    return `${model}: ${(model === "baseline" ? parts.slice(0, 1) : parts).join(", ")}`;
  }).join("; ");
}
