/**
 * The frozen part's outputs, computed once per run and cut point (see sources.ts for what this
 * means for augmentation).
 *
 * Both stages freeze everything below the stage-2 cut, so the features at that cut serve
 * stage 2 directly and stage 1's pooled features are computed from them by running only the
 * layers between the two cuts. With the default cut (after block_12_add) that costs about 1.3
 * frozen passes over the training set for both stages instead of about 1.7. The frozen parts
 * run through the kernels' `foldedForward` (conv + BatchNorm + ReLU6 fused), which is exact in
 * inference mode up to float rounding. The price is memory:
 * at 224 px the block_12_add output is 14x14x96 floats (75 KB) per image and view, about
 * 350 MB for the 4,685 training images of an 80% split.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import type { AugmentOptions } from "../augment/mod.ts";
import { foldedForward } from "../kernels/mod.ts";
import { splitAt } from "../models/mod.ts";
import { Rng } from "../util/rng.ts";
import type { Example, ImageSource } from "./batches.ts";
import { computeFeatures, featureSource, type FeatureTable, imageSource } from "./sources.ts";

/** Cached features at one cut: one table per augmented view of the training set, one of val. */
export interface CutFeatures {
  train: FeatureTable[];
  val: FeatureTable;
}

/** Options of {@linkcode FeatureCache}. */
export interface FeatureCacheOptions {
  /** Augmentation of training images before the frozen part; null = none (one plain view). */
  augment: AugmentOptions | null;
  /** Augmented views per training image. */
  views: number;
  /** Seed of the views (view v draws from a generator seeded by seed and v). */
  seed: number;
  /** Images per forward pass. */
  batchSize: number;
}

function viewSeed(seed: number, view: number): number {
  return (seed ^ Math.imul(view + 1, 0x85ebca6b)) >>> 0;
}

/** Features of `train` and `val` at cut points of `model`, chained from lower cuts. */
export class FeatureCache {
  readonly #tables = new Map<string, CutFeatures>();
  readonly #order: string[];

  constructor(
    readonly model: tf.LayersModel,
    readonly images: ImageSource,
    readonly train: readonly Example[],
    readonly val: readonly Example[],
    readonly options: FeatureCacheOptions,
  ) {
    this.#order = model.layers.map((l) => l.name);
  }

  /** Number of training views. */
  get views(): number {
    return this.options.augment ? this.options.views : 1;
  }

  /**
   * Features at the output of layer `cut`: cached, else computed from the highest cached cut
   * below it, else from the images. `label` prefixes the progress lines.
   */
  async get(cut: string, label: string): Promise<CutFeatures> {
    const hit = this.#tables.get(cut);
    if (hit) return hit;
    const at = this.#order.indexOf(cut);
    const lower = [...this.#tables.keys()]
      .filter((c) => this.#order.indexOf(c) < at)
      .sort((a, b) => this.#order.indexOf(b) - this.#order.indexOf(a))[0];
    const { batchSize } = this.options;
    let result: CutFeatures;
    if (lower) {
      const from = this.#tables.get(lower)!;
      const middle = foldedForward(splitAt(splitAt(this.model, lower).trainable, cut).frozen);
      const train = [];
      for (const [v, table] of from.train.entries()) {
        train.push(
          await computeFeatures(middle, featureSource(table, this.train), this.train.length, {
            batchSize,
            label: `${label} (train${this.views > 1 ? ` view ${v + 1}` : ""}, from ${lower})`,
          }),
        );
      }
      const val = await computeFeatures(
        middle,
        featureSource(from.val, this.val),
        this.val.length,
        {
          batchSize,
          label: `${label} (val, from ${lower})`,
        },
      );
      middle.dispose();
      result = { train, val };
    } else {
      const frozen = foldedForward(splitAt(this.model, cut).frozen);
      const { augment, seed } = this.options;
      const train = [];
      for (let v = 0; v < this.views; v++) {
        const source = imageSource(this.images, this.train, {
          augment: augment ? { rng: new Rng(viewSeed(seed, v)), options: augment } : undefined,
        });
        train.push(
          await computeFeatures(frozen, source, this.train.length, {
            batchSize,
            label: `${label} (train${this.views > 1 ? ` view ${v + 1}` : ""})`,
          }),
        );
      }
      const val = await computeFeatures(
        frozen,
        imageSource(this.images, this.val),
        this.val.length,
        {
          batchSize,
          label: `${label} (val)`,
        },
      );
      frozen.dispose();
      result = { train, val };
    }
    this.#tables.set(cut, result);
    return result;
  }

  /** Whether features at `cut` are cached. */
  has(cut: string): boolean {
    return this.#tables.has(cut);
  }

  /** Frees the features at `cut`. */
  drop(cut: string): void {
    this.#tables.delete(cut);
  }
}
