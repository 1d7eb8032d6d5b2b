/**
 * What a backend's fused AdamW update takes and returns (`adamw_wasm.ts`, `adamw_webgpu.ts`).
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";

/** The scalars of one AdamW step. */
export interface AdamWScalars {
  beta1: number;
  beta2: number;
  epsilon: number;
  /** 1 - beta1^t and 1 - beta2^t. */
  c1: number;
  c2: number;
  learningRate: number;
  /** 0 for variables without decay. */
  weightDecay: number;
}

/**
 * New `[m, v, value]` of one variable from its value, gradient and moments, all of one shape
 * (call inside `tf.tidy`; the caller assigns them).
 */
export type FusedAdamWUpdate = (
  value: tf.Tensor,
  grad: tf.Tensor,
  m: tf.Tensor,
  v: tf.Tensor,
  s: AdamWScalars,
) => [tf.Tensor, tf.Tensor, tf.Tensor];
