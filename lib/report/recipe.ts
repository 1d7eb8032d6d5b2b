/**
 * The recipe of a run: the training and evaluation settings of its config.json that depart from
 * the defaults of its profile and model (the paper's recipe). Runs of different recipes are
 * different experiments, never seeds of one, so the report keeps them apart.
 *
 * @example
 * ```ts
 * import { defaultConfig } from "../config.ts";
 * import { recipeOf } from "./recipe.ts";
 * const config = { ...defaultConfig("fast"), classWeights: "balanced" as const, borderMask: 0.1 };
 * console.log(recipeOf(config)); // "classWeights balanced, borderMask 0.1"
 * ```
 *
 * @module
 */
import { type AugmentConfig, defaultConfig, type ExperimentConfig } from "../config.ts";

/**
 * The config fields that make up a recipe, in label order. Bookkeeping (seed, paths, profile
 * settings such as the feature cache) is not a recipe; neither is `weightDecayScope`, whose
 * default changed after runs were recorded with "kernels" (the report lists it as a deviation).
 */
export const RECIPE_FIELDS = [
  "classWeights",
  "labelSmoothing",
  "borderMask",
  "augment",
  "fineTuneFrom",
  "stage1LearningRate",
  "stage2LearningRate",
  "stage1Epochs",
  "stage2Epochs",
  "dropout",
  "weightDecay",
  "tta",
  "threshold",
] as const;
/** One of {@linkcode RECIPE_FIELDS}. */
export type RecipeField = typeof RECIPE_FIELDS[number];

/** The recipe of the paper (a run whose recipe fields all take their defaults). */
export const PAPER_RECIPE = "";

/** A config.json as a run recorded it: an older run's lacks fields added since. */
export type RecordedConfig =
  & Partial<Omit<ExperimentConfig, "augment">>
  & { augment?: Partial<AugmentConfig> };

/** What each recipe label reads as in tables: the paper's recipe has a name of its own. */
export function recipeLabel(recipe: string): string {
  return recipe === PAPER_RECIPE ? "paper's recipe" : recipe;
}

/**
 * The recipe of a config as a short stable label, e.g. "classWeights balanced, augment
 * (rotation 15, zoom 0.2)": each field that differs from `defaultConfig(profile, model)`, in
 * {@linkcode RECIPE_FIELDS} order, augmentation per sub-field. A field an older config lacks
 * takes its default (every default is a no-op or the paper's value). "" = the paper's recipe.
 */
export function recipeOf(config: RecordedConfig): string {
  return recipeParts(config).join(", ");
}

/** How many recipe fields of `config` depart from the paper's recipe (0 for the paper's). */
export function recipeDepartures(config: RecordedConfig): number {
  return recipeParts(config).length;
}

function recipeParts(config: RecordedConfig): string[] {
  const defaults = defaultConfig(config.profile, config.model);
  const parts: string[] = [];
  for (const field of RECIPE_FIELDS) {
    if (field === "augment") {
      const changed = augmentChanges(config.augment ?? {}, defaults.augment);
      if (changed.length > 0) parts.push(`augment (${changed.join(", ")})`);
      continue;
    }
    const value = config[field] ?? defaults[field];
    if (value !== defaults[field]) parts.push(`${field} ${value}`);
  }
  return parts;
}

function augmentChanges(augment: Partial<AugmentConfig>, defaults: AugmentConfig): string[] {
  const keys = Object.keys(defaults) as (keyof AugmentConfig)[];
  return keys.filter((k) => (augment[k] ?? defaults[k]) !== defaults[k])
    .map((k) => `${k} ${augment[k]}`);
}
