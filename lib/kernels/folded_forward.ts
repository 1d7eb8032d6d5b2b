/**
 * A fast inference-mode forward pass of a layers model: every Conv2D / DepthwiseConv2D followed
 * by BatchNormalization (and optionally ReLU / ReLU6) runs as ONE fused convolution kernel.
 *
 * In inference mode BatchNorm is a per-channel affine map, so it folds into the convolution:
 * `W' = W * s`, `b' = beta - mean * s (+ b * s)` with `s = gamma / sqrt(var + eps)`, and the
 * activation is clamped inside the same kernel (XNNPACK on wasm). tfjs-layers instead runs
 * conv, BatchNorm, ReLU and a clip as four full passes; on MobileNetV2 those elementwise
 * passes cost more than the convolutions. The weights are folded once when the forward is
 * made, so use it for parts whose weights do not change meanwhile (a frozen base within a
 * stage, or a trained model for evaluation); `dispose()` frees the folded copies.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

type SymbolicTensor = tf.SymbolicTensor;
type Layer = tf.layers.Layer;
type Node = Layer["inboundNodes"][number];

/** A forward function with the folded weights it holds. */
export interface FoldedForward {
  /** Runs the model in inference mode; same result as `model.predict(x)` up to rounding. */
  (x: tf.Tensor): tf.Tensor;
  /** Number of conv+BatchNorm(+activation) groups that run as one kernel. */
  readonly fusedGroups: number;
  /** Frees the folded weights. */
  dispose(): void;
}

interface Step {
  /** Symbolic inputs of the step. */
  inputs: SymbolicTensor[];
  /** Symbolic output the step produces (the last layer of a fused group). */
  output: SymbolicTensor;
  run: (inputs: tf.Tensor[]) => tf.Tensor;
}

/** `model`'s layers with the node through which `model` calls each, in topological order. */
function modelNodes(model: tf.LayersModel): { layer: Layer; node: Node }[] {
  const known = new Set(model.inputs.map((t) => t.id));
  const out: { layer: Layer; node: Node }[] = [];
  for (const layer of model.layers) {
    if (layer.getClassName() === "InputLayer") continue;
    const node = layer.inboundNodes.find((n) => n.inputTensors.every((t) => known.has(t.id)));
    if (!node) {
      throw new Error(`foldedForward: layer ${layer.name} is not reachable from the model inputs`);
    }
    for (const t of node.outputTensors) known.add(t.id);
    out.push({ layer, node });
  }
  return out;
}

type Config = Record<string, unknown>;

/** The fused activation of a ReLU / Activation layer, or null if it cannot be fused. */
function fusableActivation(layer: Layer): "relu" | "relu6" | null {
  const c = layer.getConfig() as Config;
  if (layer.getClassName() === "ReLU") {
    if (c.maxValue == null) return "relu";
    if (c.maxValue === 6 && !c.threshold && !c.negativeSlope) return "relu6";
    return null;
  }
  if (layer.getClassName() === "Activation" && c.activation === "relu") return "relu";
  return null;
}

/**
 * Folds BatchNorm layer `bn` into conv layer `conv`: the filter and bias of the fused kernel.
 * Plain tensor ops on the layers' variables, so it is differentiable under a gradient tape.
 */
function foldWeights(conv: Layer, bn: Layer): { filter: tf.Tensor4D; bias: tf.Tensor1D } {
  return (() => {
    const bnc = bn.getConfig() as Config;
    const ws = bn.getWeights();
    let i = 0;
    const gamma = bnc.scale !== false ? ws[i++] : null;
    const beta = bnc.center !== false ? ws[i++] : null;
    const mean = ws[i++];
    const variance = ws[i++];
    const s = tf.div(gamma ?? tf.onesLike(mean), tf.sqrt(tf.add(variance, bnc.epsilon as number)));
    const [kernel, convBias] = conv.getWeights();
    const filter = conv.getClassName() === "DepthwiseConv2D"
      ? tf.mul(kernel, tf.reshape(s, [1, 1, kernel.shape[2]!, kernel.shape[3]!]))
      : tf.mul(kernel, s);
    let bias = tf.neg(tf.mul(mean, s));
    if (beta) bias = tf.add(bias, beta);
    if (convBias) bias = tf.add(bias, tf.mul(convBias, s));
    return { filter: filter as tf.Tensor4D, bias: bias as tf.Tensor1D };
  })();
}

function fusedConv(
  conv: Layer,
  filter: tf.Tensor4D,
  bias: tf.Tensor1D,
  activation: tf.fused.Activation,
) {
  const c = conv.getConfig() as Config;
  if (c.dataFormat === "channelsFirst") {
    throw new Error("foldedForward: channelsFirst is not supported");
  }
  const strides = c.strides as [number, number];
  const pad = c.padding as "same" | "valid";
  const dilations = c.dilationRate as [number, number];
  if (conv.getClassName() === "DepthwiseConv2D") {
    return (x: tf.Tensor) =>
      tf.fused.depthwiseConv2d({
        x: x as tf.Tensor4D,
        filter,
        strides,
        pad,
        dilations,
        bias,
        activation,
      });
  }
  return (x: tf.Tensor) =>
    tf.fused.conv2d({ x: x as tf.Tensor4D, filter, strides, pad, dilations, bias, activation });
}

/**
 * `conv(x) + bias` of a Conv2D whose input `x` is the model's input (the data: nothing needs its
 * gradient), differentiable in `filter` and `bias` only. tfjs' fused conv2d computes the input's
 * gradient whenever it computes the filter's, which for the first fine-tuned layer of
 * MobileNetV2 (block_13_expand, 14x14 maps) is a whole convolution per step, thrown away.
 */
function dataConv(conv: Layer, x: tf.Tensor, filter: tf.Tensor4D, bias: tf.Tensor1D): tf.Tensor {
  const c = conv.getConfig() as Config;
  const strides = c.strides as [number, number];
  const pad = c.padding as "same" | "valid";
  if ((c.dilationRate as number[]).some((d) => d !== 1) || c.dataFormat === "channelsFirst") {
    return fusedConv(conv, filter, bias, "linear")(x);
  }
  const attrs = { strides, pad, dataFormat: "NHWC", filterShape: filter.shape };
  // tfjs types the function's arguments as (...tensors, save); this one takes two tensors.
  const f = (w: tf.Tensor, b: tf.Tensor) => ({
    value: tf.fused.conv2d({
      x: x as tf.Tensor4D,
      filter: w as tf.Tensor4D,
      bias: b,
      strides,
      pad,
    }),
    gradFunc: (dy: tf.Tensor) => [
      tf.engine().runKernel("Conv2DBackpropFilter", { x, dy }, attrs) as tf.Tensor,
      tf.sum(dy, [0, 1, 2]),
    ],
  });
  const forward = tf.customGrad(f as unknown as Parameters<typeof tf.customGrad>[0]);
  return forward(filter, bias);
}

/** One step of the folded graph: a conv+BatchNorm(+activation) group, or a layer as itself. */
type PlanStep =
  & { inputs: SymbolicTensor[]; output: SymbolicTensor }
  & (
    | { kind: "fused"; conv: Layer; bn: Layer; activation: "relu" | "relu6" | null }
    | { kind: "layer"; layer: Layer }
  );

/** The steps of `model` with conv+BatchNorm(+activation) groups found, and each tensor's use count. */
function plan(model: tf.LayersModel): { steps: PlanStep[]; uses: Map<number, number> } {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new Error("foldedForward: only single-input, single-output models are supported");
  }
  const nodes = modelNodes(model);
  const uses = new Map<number, number>();
  const consumer = new Map<number, { layer: Layer; node: Node }>();
  for (const entry of nodes) {
    for (const t of entry.node.inputTensors) {
      uses.set(t.id, (uses.get(t.id) ?? 0) + 1);
      consumer.set(t.id, entry);
    }
  }
  for (const t of model.outputs) uses.set(t.id, (uses.get(t.id) ?? 0) + 1);
  const soleConsumer = (
    t: SymbolicTensor,
  ) => (uses.get(t.id) === 1 ? consumer.get(t.id) : undefined);
  const channelsLastBn = (bn: Layer) => {
    const axis = (bn.getConfig() as Config).axis;
    const a = Array.isArray(axis) && axis.length === 1 ? axis[0] : axis;
    return a === -1 || a === 3;
  };

  const steps: PlanStep[] = [];
  const absorbed = new Set<Layer>();
  for (const { layer, node } of nodes) {
    if (absorbed.has(layer)) continue;
    const cls = layer.getClassName();
    const out = node.outputTensors[0];
    const bn = (cls === "Conv2D" || cls === "DepthwiseConv2D") ? soleConsumer(out) : undefined;
    const convActivation = (layer.getConfig() as Config).activation;
    const linearConv = convActivation == null || convActivation === "linear";
    if (
      bn && linearConv && bn.layer.getClassName() === "BatchNormalization" &&
      channelsLastBn(bn.layer)
    ) {
      const act = soleConsumer(bn.node.outputTensors[0]);
      const activation = act ? fusableActivation(act.layer) : null;
      absorbed.add(bn.layer);
      if (act && activation) absorbed.add(act.layer);
      const output = act && activation ? act.node.outputTensors[0] : bn.node.outputTensors[0];
      steps.push({
        kind: "fused",
        inputs: node.inputTensors,
        output,
        conv: layer,
        bn: bn.layer,
        activation,
      });
      continue;
    }
    steps.push({ kind: "layer", inputs: node.inputTensors, output: out, layer });
  }
  return { steps, uses };
}

/**
 * Builds the folded forward of `model` (a functional model; conv layers channels-last).
 * Layers outside a conv+BatchNorm group run as themselves with `training: false`.
 */
export function foldedForward(model: tf.LayersModel): FoldedForward {
  const { steps: planned, uses } = plan(model);
  const held: tf.Tensor[] = [];
  const steps: Step[] = planned.map((p) => {
    if (p.kind === "layer") {
      return {
        inputs: p.inputs,
        output: p.output,
        run: (xs: tf.Tensor[]) =>
          p.layer.apply(xs.length === 1 ? xs[0] : xs, { training: false }) as tf.Tensor,
      };
    }
    const { filter, bias } = tf.tidy(() => foldWeights(p.conv, p.bn));
    held.push(filter, bias);
    const run = fusedConv(p.conv, filter, bias, p.activation ?? "linear");
    return { inputs: p.inputs, output: p.output, run: ([x]: tf.Tensor[]) => run(x) };
  });
  const fusedGroups = planned.filter((p) => p.kind === "fused").length;
  const forward = (x: tf.Tensor): tf.Tensor =>
    tf.tidy(() => {
      const values = new Map<number, tf.Tensor>([[model.inputs[0].id, x]]);
      // Remaining uses per tensor object (a layer such as inference-mode Dropout may return its
      // input itself), so each activation is freed after its last use and peak memory stays
      // near one block's rather than the whole network's.
      const pending = new Map<tf.Tensor, number>([[x, Infinity]]);
      for (const step of steps) {
        const y = step.run(step.inputs.map((t) => values.get(t.id)!));
        values.set(step.output.id, y);
        pending.set(y, (pending.get(y) ?? 0) + (uses.get(step.output.id) ?? 0));
        for (const t of step.inputs) {
          const v = values.get(t.id)!;
          const n = pending.get(v)! - 1;
          pending.set(v, n);
          if (n === 0) v.dispose();
        }
      }
      return values.get(model.outputs[0].id)!;
    });
  return Object.assign(forward, {
    fusedGroups,
    dispose: () => tf.dispose(held),
  });
}

/**
 * `model.predict(x)` through {@linkcode foldedForward}, folding the weights for this call only
 * (a few ms for MobileNetV2), so it always sees the current weights and leaves no tensors
 * behind but its result. A drop-in for `model.apply(x, { training: false })`.
 */
export function foldedPredict(model: tf.LayersModel, x: tf.Tensor): tf.Tensor {
  return tf.tidy(() => foldedForward(model)(x));
}

/**
 * A differentiable forward of `model` for training with frozen BatchNorm statistics: each
 * conv+BatchNorm group is one fused convolution whose filter and bias are folded from the
 * layers' variables on every call (so gradients reach the conv kernel, gamma and beta), followed
 * by one ReLU/ReLU6 op; other layers run with `training: true` (Dropout active). Same values as
 * `model.apply(x, { training: true })` with inference-mode BatchNorm (the training loop's
 * default), with about half the full-size passes forward and backward. Call it inside the
 * gradient tape; the caller's tidy frees the intermediates.
 */
export function foldedTrainForward(model: tf.LayersModel): (x: tf.Tensor) => tf.Tensor {
  const { steps } = plan(model);
  return (x) => {
    const values = new Map<number, tf.Tensor>([[model.inputs[0].id, x]]);
    for (const p of steps) {
      const xs = p.inputs.map((t) => values.get(t.id)!);
      let y: tf.Tensor;
      if (p.kind === "layer") {
        y = p.layer.apply(xs.length === 1 ? xs[0] : xs, { training: true }) as tf.Tensor;
      } else {
        const { filter, bias } = foldWeights(p.conv, p.bn);
        // tfjs fuses only linear activations under a gradient tape; apply the clamp as one op.
        y = p.inputs[0].id === model.inputs[0].id && p.conv.getClassName() === "Conv2D"
          ? dataConv(p.conv, xs[0], filter, bias)
          : fusedConv(p.conv, filter, bias, "linear")(xs[0]);
        if (p.activation === "relu6") y = tf.relu6(y);
        else if (p.activation === "relu") y = tf.relu(y);
      }
      values.set(p.output.id, y);
    }
    return values.get(model.outputs[0].id)!;
  };
}
