/**
 * The model families a run can train, and how reports, figures and tables name them.
 *
 * @module
 */

/** Model families the training CLI builds. */
export const MODEL_NAMES = ["mobilenetv2", "baseline"] as const;
/** One of {@linkcode MODEL_NAMES}. */
export type ModelName = typeof MODEL_NAMES[number];

/**
 * Display names. The baseline is a stand-in for the plain CNN of Maulana et al. (whose exact
 * architecture is not published), and says so wherever it is shown.
 */
export const MODEL_DISPLAY_NAMES: Readonly<Record<ModelName, string>> = {
  mobilenetv2: "MobileNetV2",
  baseline: "baseline CNN (stand-in)",
};
