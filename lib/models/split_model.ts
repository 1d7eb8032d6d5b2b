/**
 * Cutting a functional model in two at a layer: a frozen front (computed once, e.g. cached
 * features) and a trainable back that shares the same layer objects and weights.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { fail } from "../errors.ts";

type Node = tf.layers.Layer["inboundNodes"][number];

/**
 * `model`'s layers in topological order, each with the node through which `model` calls it.
 * A layer shared with other models (e.g. after {@linkcode splitAt}) has one node per model;
 * ours is the one whose inputs all come from this model's graph.
 */
function modelNodes(model: tf.LayersModel): { layer: tf.layers.Layer; node: Node }[] {
  const known = new Set(model.inputs.map((t) => t.id));
  const out: { layer: tf.layers.Layer; node: Node }[] = [];
  for (const layer of model.layers) {
    if (layer.getClassName() === "InputLayer") continue;
    const node = layer.inboundNodes.find((n) => n.inputTensors.every((t) => known.has(t.id)))!;
    for (const t of node.outputTensors) known.add(t.id);
    out.push({ layer, node });
  }
  return out;
}

/**
 * Names of the layers `model` can be split after: those whose (single) output is the only
 * tensor crossing the cut, so no skip connection spans it. In topological order; the output
 * layer is excluded (nothing would be left to train).
 */
export function cutPoints(model: tf.LayersModel): string[] {
  const nodes = modelNodes(model);
  // Index of the last consumer of each tensor id (outputs count as consumed at the end).
  const lastUse = new Map<number, number>();
  nodes.forEach(({ node }, i) => node.inputTensors.forEach((t) => lastUse.set(t.id, i)));
  for (const t of model.outputs) lastUse.set(t.id, nodes.length);
  const open = new Set<number>(model.inputs.map((t) => t.id)); // produced, still needed later
  const points: string[] = [];
  nodes.forEach(({ layer, node }, i) => {
    for (const t of node.outputTensors) open.add(t.id);
    for (const id of [...open]) if ((lastUse.get(id) ?? -1) <= i) open.delete(id);
    const outs = node.outputTensors;
    if (i < nodes.length - 1 && outs.length === 1 && open.size === 1 && open.has(outs[0].id)) {
      points.push(layer.name);
    }
  });
  return points;
}

/**
 * Splits `model` after `layerName`: `frozen` maps the model inputs to that layer's output;
 * `trainable` takes a new input of that shape and re-applies the later layers (the same layer
 * objects, so weights are shared and `trainable.trainableWeights` are exactly theirs).
 * `trainable.predict(frozen.predict(x))` equals `model.predict(x)`.
 * Throws a CxrError listing the valid cut points when `layerName` is not one.
 */
export function splitAt(
  model: tf.LayersModel,
  layerName: string,
): { frozen: tf.LayersModel; trainable: tf.LayersModel } {
  const points = cutPoints(model);
  if (!points.includes(layerName)) {
    fail(
      `cannot split model '${model.name}' at '${layerName}': ` +
        (model.layers.some((l) => l.name === layerName)
          ? "a skip connection crosses it or it is the output layer"
          : "no layer has that name") +
        `; valid cut points: ${points.join(", ")}`,
    );
  }
  const nodes = modelNodes(model);
  const at = nodes.findIndex(({ layer }) => layer.name === layerName);
  const cut = nodes[at].node.outputTensors[0];
  const frozen = tf.model({ inputs: model.inputs, outputs: cut, name: `${model.name}_frozen` });
  const input = tf.input({ shape: cut.shape.slice(1) as number[], name: `${layerName}_features` });
  const mapped = new Map<number, tf.SymbolicTensor>([[cut.id, input]]);
  for (const { layer, node } of nodes.slice(at + 1)) {
    const ins = node.inputTensors.map((t) => mapped.get(t.id)!);
    const outs = layer.apply(ins.length === 1 ? ins[0] : ins) as
      | tf.SymbolicTensor
      | tf.SymbolicTensor[];
    const outList = Array.isArray(outs) ? outs : [outs];
    node.outputTensors.forEach((t, k) => mapped.set(t.id, outList[k]));
  }
  const outputs = model.outputs.map((t) => mapped.get(t.id)!);
  const trainable = tf.model({
    inputs: input,
    outputs: outputs.length === 1 ? outputs[0] : outputs,
    name: `${model.name}_trainable`,
  });
  return { frozen, trainable };
}

/**
 * The layer to cut after so that `fineTuneFrom` is the first trained layer; a CxrError listing
 * the valid names otherwise.
 */
export function cutBefore(model: tf.LayersModel, fineTuneFrom: string): string {
  const names = model.layers.map((l) => l.name);
  const valid = cutPoints(model).map((c) => names[names.indexOf(c) + 1]);
  const i = names.indexOf(fineTuneFrom);
  if (i <= 0 || !valid.includes(fineTuneFrom)) {
    const blocks = valid.filter((n) => /^block_\d+_expand$|^Conv_1$/.test(n));
    fail(
      `config field 'fineTuneFrom' is '${fineTuneFrom}', which is not a layer the model can be ` +
        `fine-tuned from (no skip connection may cross the cut before it); block starts that ` +
        `work: ${(blocks.length ? blocks : valid).join(", ")}`,
    );
  }
  return names[i - 1];
}
