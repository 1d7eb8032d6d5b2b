/**
 * Model files in the TF.js layers format (`model.json` + `weights.bin`), the format
 * `tf.loadLayersModel` reads in a browser, through a Deno file IO handler (tfjs' `file://`
 * handler exists only in tfjs-node). Writes are atomic.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fail } from "../errors.ts";
import { writeFileAtomic, writeJsonAtomic } from "../util/atomic.ts";

const WEIGHTS_FILE = "weights.bin";

/** An IOHandler that saves to / loads from `dir/model.json` + `dir/weights.bin`. */
export function fileIOHandler(dir: string): tf.io.IOHandler {
  const modelPath = join(dir, "model.json");
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (!(artifacts.modelTopology && !(artifacts.modelTopology instanceof ArrayBuffer))) {
        throw new Error("saveModel expects a layers model (JSON topology)");
      }
      const weightData = tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? []);
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
        ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
        ...(artifacts.userDefinedMetadata
          ? { userDefinedMetadata: artifacts.userDefinedMetadata }
          : {}),
      };
      // Weights first: a reader that sees the new model.json also finds its weights.
      await writeFileAtomic(join(dir, WEIGHTS_FILE), new Uint8Array(weightData));
      await writeJsonAtomic(modelPath, modelJson);
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      let modelJson: tf.io.ModelJSON;
      try {
        modelJson = JSON.parse(await readFile(modelPath, "utf8"));
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === "ENOENT") {
          fail(`no model at ${modelPath}: pass the folder that holds model.json + weights.bin`);
        }
        if (err instanceof SyntaxError) fail(`${modelPath} is not valid JSON: ${err.message}`);
        throw err;
      }
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const specs = manifest.flatMap((group) => group.weights);
        const parts: ArrayBuffer[] = [];
        for (const path of manifest.flatMap((group) => group.paths)) {
          const bytes = await readFile(join(dir, path)).catch((err) => {
            if ((err as { code?: string }).code !== "ENOENT") throw err;
            fail(
              `${join(dir, path)} (listed in ${modelPath}) does not exist; save the model again`,
            );
          });
          parts.push(
            (bytes.buffer as ArrayBuffer).slice(
              bytes.byteOffset,
              bytes.byteOffset + bytes.byteLength,
            ),
          );
        }
        const data = tf.io.CompositeArrayBuffer.join(parts);
        // Layers models hold float32 (or int32) weights: 4 bytes per element, fewer when the
        // manifest stores them quantized (uint8: 1; uint16 or float16: 2).
        const bytesOf = (s: tf.io.WeightsManifestEntry) =>
          s.quantization ? (s.quantization.dtype === "uint8" ? 1 : 2) : 4;
        const needed = specs.reduce(
          (a, s) => a + bytesOf(s) * s.shape.reduce((x, y) => x * y, 1),
          0,
        );
        if (data.byteLength < needed) {
          fail(
            `the weights of ${modelPath} are ${data.byteLength} bytes, ${needed} expected: ` +
              "the file is truncated; save the model again",
          );
        }
        return [specs, data];
      });
    },
  };
}

/** Saves `model` as `dir/model.json` + `dir/weights.bin` (TF.js layers format), atomically. */
export async function saveModel(model: tf.LayersModel, dir: string): Promise<void> {
  await model.save(fileIOHandler(dir));
}

/** Loads a model saved by {@linkcode saveModel} (or any single-folder TF.js layers model). */
export function loadModel(dir: string): Promise<tf.LayersModel> {
  return tf.loadLayersModel(fileIOHandler(dir));
}
