/**
 * Optimizers for training: {@linkcode AdamW}, Adam with decoupled weight decay, registered with
 * tfjs serialisation and resumable through `getWeights`/`setWeights`.
 *
 * @example
 * ```ts
 * import { adamW } from "./mod.ts";
 * const optimizer = adamW({ learningRate: 1e-4, weightDecay: 0.004 });
 * // stage 2: optimizer.learningRate = 1e-5;
 * ```
 *
 * @module
 */
export { AdamW, adamW, EXCLUDE_NOTHING } from "./adamw.ts";
export type { AdamWOptions, NamedTensor } from "./adamw.ts";
