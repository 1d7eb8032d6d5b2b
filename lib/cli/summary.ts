/**
 * `deno task cxr summary --model mobilenetv2|baseline [--size N]`: print a model's layers and
 * parameter counts.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { parseArgs } from "node:util";
import { initBackend } from "../backend.ts";
import { fail } from "../errors.ts";
import {
  baselineCnn,
  formatSummary,
  mobileNetV2Classifier,
  summarizeModel,
} from "../models/mod.ts";

const HELP = `usage: deno task cxr summary --model mobilenetv2|baseline [--size N]

Prints every layer (name, type, output shape, parameters), the total / trainable /
non-trainable parameter counts and the size of the saved weights. No weights are loaded.

  --model NAME   mobilenetv2 (ImageNet base + GAP -> Dropout -> Dense(2)) or baseline (plain CNN)
  --size N       input height and width (default 224)
`;

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      model: { type: "string" },
      size: { type: "string", default: "224" },
      help: { type: "boolean" },
    },
    strict: true,
  });
  if (values.help) return void console.log(HELP);
  const size = Number(values.size);
  if (!Number.isInteger(size) || size < 32) {
    fail(`--size must be an integer >= 32, got '${values.size}'`, { exitCode: 2 });
  }
  await initBackend({ backend: "cpu", quiet: true }); // building only; no computation
  let model: tf.LayersModel;
  if (values.model === "mobilenetv2") model = await mobileNetV2Classifier({ inputSize: size });
  else if (values.model === "baseline") model = baselineCnn({ inputSize: size });
  else {
    fail(`--model must be mobilenetv2 or baseline, got '${values.model ?? ""}'`, { exitCode: 2 });
  }
  console.log(
    formatSummary(summarizeModel(model), `Model: ${model.name} (input ${size}x${size}x3)`),
  );
}
