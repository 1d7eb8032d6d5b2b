/**
 * The ImageNet weights artifact: `weights.json` (array of `{name, shape, dtype, offset}`, in
 * Keras `model.weights` order) + `weights.bin` (float32 little-endian tensors), and loading it
 * into a model by Keras layer and weight name.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fail } from "../errors.ts";
import { writeFileAtomic, writeJsonAtomic } from "../util/atomic.ts";

/** One `weights.json` entry. */
export interface WeightEntry {
  /** `<layer>/<weight>`, e.g. `Conv1/kernel`, `bn_Conv1/moving_mean`. */
  name: string;
  shape: number[];
  dtype: "float32";
  /** Byte offset into `weights.bin`. */
  offset: number;
}

/** A named float32 tensor held in memory. */
export interface NamedWeight {
  name: string;
  shape: number[];
  data: Float32Array;
}

const FETCH_HINT =
  "run `deno task cxr weights fetch`, or pass --weights DIR / set CXR_WEIGHTS_DIR " +
  "to a folder holding weights.json + weights.bin";

async function readOrFail(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (err) {
    if ((err as { code?: string }).code === "ENOENT") {
      fail(`ImageNet weights file ${path} does not exist: ${FETCH_HINT}`, { cause: err });
    }
    throw err;
  }
}

/** Reads and checks a weights artifact; returns its tensors by name, in file order. */
export async function readWeightsArtifact(dir: string): Promise<Map<string, NamedWeight>> {
  const jsonPath = join(dir, "weights.json");
  const binPath = join(dir, "weights.bin");
  let entries: WeightEntry[];
  try {
    entries = JSON.parse(new TextDecoder().decode(await readOrFail(jsonPath)));
  } catch (err) {
    if (!(err instanceof SyntaxError)) throw err;
    fail(`${jsonPath} is not valid JSON (${err.message}): ${FETCH_HINT}`, { cause: err });
  }
  if (!Array.isArray(entries)) fail(`${jsonPath} must hold a JSON array of {name, shape, offset}`);
  const bin = await readOrFail(binPath);
  const out = new Map<string, NamedWeight>();
  for (const e of entries) {
    if (e.dtype !== undefined && e.dtype !== "float32") {
      fail(`${jsonPath}: tensor '${e.name}' has dtype '${e.dtype}'; only float32 is supported`);
    }
    const count = e.shape.reduce((a, b) => a * b, 1);
    const end = e.offset + 4 * count;
    if (end > bin.byteLength) {
      fail(
        `${binPath} is ${bin.byteLength} bytes but tensor '${e.name}' needs bytes ` +
          `${e.offset}..${end}: the file is truncated; fetch or copy it again (${FETCH_HINT})`,
      );
    }
    // Copy so each tensor is 4-byte aligned and independent of the file buffer.
    const data = new Float32Array(count);
    new Uint8Array(data.buffer).set(bin.subarray(e.offset, end));
    out.set(e.name, { name: e.name, shape: e.shape, data });
  }
  return out;
}

/** Writes `weights` as `weights.json` + `weights.bin` in `dir` (atomically, in the given order). */
export async function writeWeightsArtifact(dir: string, weights: NamedWeight[]): Promise<void> {
  const total = weights.reduce((a, w) => a + w.data.byteLength, 0);
  const bin = new Uint8Array(total);
  const entries: WeightEntry[] = [];
  let offset = 0;
  for (const w of weights) {
    bin.set(new Uint8Array(w.data.buffer, w.data.byteOffset, w.data.byteLength), offset);
    entries.push({ name: w.name, shape: w.shape, dtype: "float32", offset });
    offset += w.data.byteLength;
  }
  await writeFileAtomic(join(dir, "weights.bin"), bin);
  await writeJsonAtomic(join(dir, "weights.json"), entries);
}

/** `<layer>/<weight>` for a layer's variable, e.g. `block_1_expand_BN/gamma`. */
export function kerasWeightName(layer: tf.layers.Layer, weight: tf.LayerVariable): string {
  const short = weight.originalName.slice(weight.originalName.lastIndexOf("/") + 1);
  return `${layer.name}/${short}`;
}

/**
 * Pairs each weight-holding layer of `model` with its tensors from `stored`, matched by
 * `<layer>/<weight>` name; `source` names the file in errors. Throws a CxrError naming the
 * tensor when one is missing or has the wrong shape.
 */
export function matchWeights(
  model: tf.LayersModel,
  stored: Map<string, NamedWeight>,
  source: string,
): [tf.layers.Layer, NamedWeight[]][] {
  return model.layers.filter((layer) => layer.weights.length > 0).map((layer) => [
    layer,
    layer.weights.map((w) => {
      const name = kerasWeightName(layer, w);
      const s = stored.get(name) ??
        fail(`${source} has no tensor '${name}' (layer '${layer.name}'): ${FETCH_HINT}`);
      if (s.shape.join(",") !== w.shape.join(",")) {
        fail(
          `${source}: tensor '${name}' has shape [${s.shape}] but the model needs [${w.shape}]; ` +
            `the weights are for a different architecture (MobileNetV2 alpha 1.0 expected): ${FETCH_HINT}`,
        );
      }
      return s;
    }),
  ]);
}

/**
 * Sets every weight of `model` from the artifact in `dir`, matched by `<layer>/<weight>` name.
 * Tensors the model does not use (e.g. `predictions/*` for a model without top) are ignored.
 * Throws a CxrError naming the file and tensor when a file is missing or short, or a tensor is
 * missing or has the wrong shape; the model is left unchanged then.
 */
export async function loadImageNetWeights(model: tf.LayersModel, dir: string): Promise<void> {
  const plan = matchWeights(model, await readWeightsArtifact(dir), join(dir, "weights.json"));
  for (const [layer, values] of plan) {
    const tensors = values.map((v) => tf.tensor(v.data, v.shape, "float32"));
    layer.setWeights(tensors);
    tf.dispose(tensors);
  }
}
