/**
 * AdamW: Adam with decoupled weight decay (Loshchilov & Hutter, "Decoupled Weight Decay
 * Regularization", ICLR 2019), as a tfjs `Optimizer`.
 *
 * Per step t, for each variable w with gradient g:
 * ```
 * m = b1*m + (1-b1)*g;   v = b2*v + (1-b2)*g^2
 * m̂ = m / (1 - b1^t);    v̂ = v / (1 - b2^t)
 * w -= lr * (m̂ / (sqrt(v̂) + eps) + wd * w)       (wd = 0 for excluded variables)
 * ```
 * The decay is scaled by the learning rate as in PyTorch's and Keras' AdamW. By default no decay
 * is applied to BatchNorm parameters (`gamma`, `beta`) and biases, matched by variable name.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import type { FusedAdamWUpdate } from "./_fused_update.ts";
import { adamWUpdateWasm } from "./adamw_wasm.ts";
import { adamWUpdateWebGpu } from "./adamw_webgpu.ts";

/** Options for {@linkcode AdamW}. */
export interface AdamWOptions {
  /** Step size. Default 1e-3. */
  learningRate?: number;
  /** Decoupled weight decay factor. Default 0.004 (Keras' AdamW default). */
  weightDecay?: number;
  /** First-moment decay. Default 0.9. */
  beta1?: number;
  /** Second-moment decay. Default 0.999. */
  beta2?: number;
  /** Added to sqrt(v̂). Default 1e-7 (Keras). */
  epsilon?: number;
  /**
   * Variables whose name matches get no weight decay. Default: BatchNorm gamma/beta and biases,
   * `/(^|\/)(gamma|beta|bias)(_\d+)?$/`.
   */
  excludeFromWeightDecay?: RegExp;
  /**
   * Update each variable with fused kernels instead of ~15 elementwise ops where the backend has
   * them: three dispatches on webgpu (`adamw_webgpu.ts`), one pass on wasm (`adamw_wasm.ts`,
   * bit-identical to the ops). Default true.
   */
  fuse?: boolean;
}

const DEFAULT_EXCLUDE = /(^|\/)(gamma|beta|bias)(_\d+)?$/;

/**
 * An `excludeFromWeightDecay` that matches no name: every variable decays, biases and BatchNorm
 * gamma/beta included, as in Keras' `AdamW`.
 */
export const EXCLUDE_NOTHING = /(?!)/;

/** A named tensor, as tfjs optimizers exchange their state. */
export type NamedTensor = { name: string; tensor: tf.Tensor };

interface Moments {
  m: tf.Variable;
  v: tf.Variable;
}

type Update = (name: string, value: tf.Variable, grad: tf.Tensor, state: Moments) => void;

type Constants = Record<
  "beta1" | "oneMinusBeta1" | "beta2" | "oneMinusBeta2" | "epsilon" | "weightDecay",
  tf.Scalar
>;

/** The fused update of each backend that has one. */
const FUSED_UPDATES: Readonly<Record<string, FusedAdamWUpdate>> = {
  wasm: adamWUpdateWasm,
  webgpu: adamWUpdateWebGpu,
};

/** Adam with decoupled weight decay; see the module doc for the update rule. */
export class AdamW extends tf.Optimizer {
  static get className(): string {
    return "AdamW";
  }

  /** Step size; may be changed between steps (e.g. 1e-4 in stage 1, 1e-5 in stage 2). */
  learningRate: number;
  readonly weightDecay: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly excludeFromWeightDecay: RegExp;
  /** See {@linkcode AdamWOptions.fuse}. */
  fuse: boolean;
  #moments = new Map<string, Moments>();
  #scalars: Constants | null = null;

  constructor(options: AdamWOptions = {}) {
    super();
    this.learningRate = options.learningRate ?? 1e-3;
    this.weightDecay = options.weightDecay ?? 0.004;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-7;
    this.excludeFromWeightDecay = options.excludeFromWeightDecay ?? DEFAULT_EXCLUDE;
    this.fuse = options.fuse ?? true;
  }

  /** Whether `name` gets weight decay. */
  decays(name: string): boolean {
    return this.weightDecay > 0 && !this.excludeFromWeightDecay.test(name);
  }

  override applyGradients(
    variableGradients: tf.NamedTensorMap | NamedTensor[],
  ): void {
    const pairs: [string, tf.Tensor | undefined][] = Array.isArray(variableGradients)
      ? variableGradients.map((g) => [g.name, g.tensor])
      : Object.entries(variableGradients);
    const t = this.iterations + 1;
    // Bias corrections are plain numbers: the step count lives on the JS side.
    const c1 = 1 - this.beta1 ** t;
    const c2 = 1 - this.beta2 ** t;
    const fusedKernel = this.fuse ? FUSED_UPDATES[tf.getBackend()] : undefined;
    tf.tidy(() => {
      const update = fusedKernel ? this.#fusedUpdate(fusedKernel, c1, c2) : this.#opsUpdate(c1, c2);
      for (const [name, grad] of pairs) {
        if (grad == null) continue;
        const value = tf.engine().registeredVariables[name];
        if (!value) throw new Error(`AdamW: no variable named '${name}'`);
        const state = this.#moments.get(name) ?? this.#newMoments(name, value);
        update(name, value, grad, state);
      }
    });
    this.incrementIterations();
  }

  /** The update as tfjs ops (every backend); call inside a tidy. */
  #opsUpdate(c1: number, c2: number): Update {
    const k = this.#constants();
    // Scalars as tensors: once per step here, not once per variable and use.
    const [c1t, c2t, lr] = [c1, c2, this.learningRate].map((x) => tf.scalar(x));
    return (name, value, grad, state) => {
      const m = state.m.mul(k.beta1).add(grad.mul(k.oneMinusBeta1));
      const v = state.v.mul(k.beta2).add(grad.square().mul(k.oneMinusBeta2));
      state.m.assign(m);
      state.v.assign(v);
      let step = m.div(c1t).div(v.div(c2t).sqrt().add(k.epsilon));
      if (this.decays(name)) step = step.add(value.mul(k.weightDecay));
      value.assign(value.sub(step.mul(lr)));
    };
  }

  /** The update as the backend's fused kernel; call inside a tidy. */
  #fusedUpdate(kernel: FusedAdamWUpdate, c1: number, c2: number): Update {
    return (name, value, grad, state) => {
      const [m, v, w] = kernel(value, grad, state.m, state.v, {
        beta1: this.beta1,
        beta2: this.beta2,
        epsilon: this.epsilon,
        c1,
        c2,
        learningRate: this.learningRate,
        weightDecay: this.decays(name) ? this.weightDecay : 0,
      });
      state.m.assign(m);
      state.v.assign(v);
      value.assign(w);
    };
  }

  /**
   * The constant scalars of the update as kept tensors, made on first use. A number operand
   * (`m.mul(0.9)`) becomes a new tensor on every call, and on webgpu each one is a new GPU
   * buffer, a staging buffer and an upload: about 1,360 per MobileNetV2 step, nearly all of
   * the step's uploads (measured on lavapipe). Same float32 values, so same results.
   */
  #constants(): Constants {
    if (!this.#scalars) {
      const make = (x: number) => tf.keep(tf.scalar(x));
      this.#scalars = {
        beta1: make(this.beta1),
        oneMinusBeta1: make(1 - this.beta1),
        beta2: make(this.beta2),
        oneMinusBeta2: make(1 - this.beta2),
        epsilon: make(this.epsilon),
        weightDecay: make(this.weightDecay),
      };
    }
    return this.#scalars;
  }

  #newMoments(name: string, value: tf.Variable): Moments {
    const state = tf.tidy(() => ({
      m: tf.zerosLike(value).variable(false),
      v: tf.zerosLike(value).variable(false),
    }));
    this.#moments.set(name, state);
    return state;
  }

  override dispose(): void {
    for (const { m, v } of this.#moments.values()) tf.dispose([m, v]);
    this.#moments.clear();
    if (this.#scalars) tf.dispose(Object.values(this.#scalars));
    this.#scalars = null;
    super.dispose();
  }

  /** `iter`, then `<variable>/m` and `<variable>/v` for each variable stepped so far. */
  override async getWeights(): Promise<NamedTensor[]> {
    const out: NamedTensor[] = [await this.saveIterations()];
    for (const [name, { m, v }] of this.#moments) {
      out.push({ name: `${name}/m`, tensor: m }, { name: `${name}/v`, tensor: v });
    }
    return out;
  }

  /** Restores what {@linkcode getWeights} returned (values are copied). */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    const rest = await this.extractIterations(weightValues);
    for (const { m, v } of this.#moments.values()) tf.dispose([m, v]);
    this.#moments.clear();
    const byName = new Map(rest.map((w) => [w.name, w.tensor]));
    for (const { name } of rest) {
      if (!name.endsWith("/m")) continue;
      const varName = name.slice(0, -2);
      const v = byName.get(`${varName}/v`);
      if (!v) throw new Error(`AdamW.setWeights: '${varName}/m' has no matching '/v'`);
      this.#moments.set(varName, {
        m: tf.variable(byName.get(name)!, false),
        v: tf.variable(v, false),
      });
    }
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      learningRate: this.learningRate,
      weightDecay: this.weightDecay,
      beta1: this.beta1,
      beta2: this.beta2,
      epsilon: this.epsilon,
      excludeFromWeightDecay: this.excludeFromWeightDecay.source,
    };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    const options: AdamWOptions = {
      learningRate: config.learningRate as number,
      weightDecay: config.weightDecay as number,
      beta1: config.beta1 as number,
      beta2: config.beta2 as number,
      epsilon: config.epsilon as number,
      excludeFromWeightDecay: new RegExp(config.excludeFromWeightDecay as string),
    };
    return new (cls as unknown as new (o: AdamWOptions) => T)(options);
  }
}

tf.serialization.registerClass(AdamW);

/** An AdamW optimizer (see {@linkcode AdamWOptions} for defaults). */
export function adamW(options?: AdamWOptions): AdamW {
  return new AdamW(options);
}
