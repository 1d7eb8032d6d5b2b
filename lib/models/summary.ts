/**
 * A model's layer table and parameter counts, like Keras' `model.summary()`.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";

/** One layer row of {@linkcode ModelSummary}. */
export interface LayerSummary {
  name: string;
  className: string;
  outputShape: string;
  params: number;
}

/** Layers and parameter counts of a model. */
export interface ModelSummary {
  layers: LayerSummary[];
  total: number;
  trainable: number;
  nonTrainable: number;
  /** Size of `weights.bin` as {@linkcode saveModel} writes it (float32). */
  weightsBytes: number;
}

function count(weights: tf.LayerVariable[]): number {
  return weights.reduce((a, w) => a + tf.util.sizeFromShape(w.shape as number[]), 0);
}

/** Summarises `model`: every layer with its output shape and parameters, and the totals. */
export function summarizeModel(model: tf.LayersModel): ModelSummary {
  const layers = model.layers.map((l) => ({
    name: l.name,
    className: l.getClassName(),
    outputShape: JSON.stringify(l.outputShape).replaceAll("null", "None"),
    params: count(l.weights),
  }));
  const trainable = count(model.trainableWeights);
  const nonTrainable = count(model.nonTrainableWeights);
  const total = trainable + nonTrainable;
  return { layers, total, trainable, nonTrainable, weightsBytes: 4 * total };
}

const fmt = (n: number) => n.toLocaleString("en-US");

/** Keras-style text table of a {@linkcode ModelSummary}. */
export function formatSummary(s: ModelSummary, title: string): string {
  const header = ["Layer (type)", "Output shape", "Param #"];
  const rows = s.layers.map((l) => [`${l.name} (${l.className})`, l.outputShape, fmt(l.params)]);
  const widths = header.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k].length)));
  const line = (r: string[]) =>
    [r[0].padEnd(widths[0]), r[1].padEnd(widths[1]), r[2].padStart(widths[2])].join("  ");
  const rule = "-".repeat(widths[0] + widths[1] + widths[2] + 4);
  return [
    title,
    rule,
    line(header),
    rule,
    ...rows.map(line),
    rule,
    `Layers: ${s.layers.length}`,
    `Total params: ${fmt(s.total)}`,
    `Trainable params: ${fmt(s.trainable)}`,
    `Non-trainable params: ${fmt(s.nonTrainable)}`,
    `Saved weights: ${(s.weightsBytes / 1e6).toFixed(2)} MB (${fmt(s.weightsBytes)} bytes float32)`,
  ].join("\n");
}
