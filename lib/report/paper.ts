/**
 * Published numbers the report sets beside ours: the reproduced paper (its own 592-image
 * image-level test split), Kermany et al. 2018 and MedMNIST v2's PneumoniaMNIST benchmarks on
 * the official 624-image test set. `undefined` = not reported.
 *
 * @module
 */

/** One published result, in the report's metric names. */
export interface ReferenceResult {
  source: string;
  /** Test images. */
  n: number;
  accuracy: number;
  normalPrecision?: number;
  normalRecall?: number;
  normalF1?: number;
  pneumoniaPrecision?: number;
  pneumoniaRecall?: number;
  pneumoniaF1?: number;
  sensitivity?: number;
  specificity?: number;
  rocAuc?: number;
  logLoss?: number;
  /** How the published model was selected, where the source says. */
  selection?: string;
}

/**
 * Setyaningrum & Wirawan (the reproduced paper): 592 test images (139 NORMAL, 453 PNEUMONIA),
 * confusion matrix TN 130, FP 9, FN 6, TP 447; sensitivity and specificity follow from it.
 */
export const PAPER_RESULT: ReferenceResult = {
  source: "Setyaningrum & Wirawan (paper), image-level 80/10/10",
  n: 592,
  accuracy: 0.9747,
  normalPrecision: 0.96,
  normalRecall: 0.94,
  normalF1: 0.95,
  pneumoniaPrecision: 0.98,
  pneumoniaRecall: 0.99,
  pneumoniaF1: 0.98,
  sensitivity: 447 / 453,
  specificity: 130 / 139,
  logLoss: 0.0409,
};

/** Kermany et al. 2018 (Cell), official 624-image test set. */
export const KERMANY_RESULT: ReferenceResult = {
  source: "Kermany et al. 2018, official 624-image test",
  n: 624,
  accuracy: 0.928,
  sensitivity: 0.932,
  specificity: 0.901,
  rocAuc: 0.968,
};

/**
 * MedMNIST v2 (Yang et al. 2023), PneumoniaMNIST: the Kermany images resized, the official test
 * folder as test set and 524 validation images carved from train/; ResNet-50 at 224 px.
 */
export const MEDMNIST_RESNET50_224: ReferenceResult = {
  source: "MedMNIST v2 PneumoniaMNIST, ResNet-50 at 224 px",
  n: 624,
  accuracy: 0.884,
  rocAuc: 0.962,
  selection: "on 524 validation images carved from train/",
};

/** MedMNIST v2, PneumoniaMNIST, ResNet-18 at 28 px (same split as {@linkcode MEDMNIST_RESNET50_224}). */
export const MEDMNIST_RESNET18_28: ReferenceResult = {
  source: "MedMNIST v2 PneumoniaMNIST, ResNet-18 at 28 px",
  n: 624,
  accuracy: 0.854,
  rocAuc: 0.944,
  selection: "on 524 validation images carved from train/",
};

/** The published results on the official 624-image test set, in table order. */
export const OFFICIAL_TEST_REFERENCES: readonly ReferenceResult[] = [
  KERMANY_RESULT,
  MEDMNIST_RESNET50_224,
  MEDMNIST_RESNET18_28,
];

/** Maulana et al. 2022, the paper's baseline (a non-pretrained CNN; layers unpublished). */
export const MAULANA_ACCURACY = 0.97;
