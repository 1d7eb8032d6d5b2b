/**
 * `deno task cxr weights fetch [--with-top] [--out DIR] [--base-url URL]`: download Keras'
 * MobileNetV2 ImageNet `.h5` and convert it to weights.json + weights.bin.
 * `deno task cxr weights verify [--weights DIR]`: check that a weights folder holds the real
 * ImageNet MobileNetV2 (top-5 on its test photos).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { parseArgs } from "node:util";
import { fail } from "../errors.ts";
import {
  fetchImageNetWeights,
  formatTop5Table,
  KERAS_WEIGHTS_BASE_URL,
  verifyImageNetWeights,
} from "../models/mod.ts";
import { weightsDir } from "../paths.ts";

const HELP = `usage: deno task cxr weights fetch [--with-top] [--out DIR] [--base-url URL]
       deno task cxr weights verify [--weights DIR]

  fetch    download Keras' mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224[_no_top].h5
           (needs internet), check every tensor against MobileNetV2 and write weights.json +
           weights.bin into --out
  verify   run MobileNetV2 with the ImageNet classifier on the folder's testimages/*.rgb224 and
           compare the top-5 with testimages/expected_top5.json (classes equal, |dp| <= 1e-3)

  --weights DIR   weights folder (default: $CXR_WEIGHTS_DIR, else data/weights/mobilenet_v2_imagenet)
  --out DIR       where fetch writes (default: the same as --weights)
  --with-top      fetch the file with the ImageNet classifier ('predictions') too
  --base-url URL  where the .h5 files are (default: ${KERAS_WEIGHTS_BASE_URL})

verify needs imagenet_classes.json and testimages/ beside the weights, as the README's quick-start
weights ship them; its expected top-5 belong to those weights, not to Keras' .h5.
`;

async function fetchWeights(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      out: { type: "string" },
      "with-top": { type: "boolean", default: false },
      "base-url": { type: "string" },
      help: { type: "boolean" },
    },
    strict: true,
  });
  if (values.help) return void console.log(HELP);
  const out = weightsDir(values.out);
  const r = await fetchImageNetWeights({
    out,
    withTop: values["with-top"],
    baseUrl: values["base-url"],
  });
  console.log(
    `wrote ${r.tensors} tensors (${r.params.toLocaleString("en-US")} parameters) from ${r.url} ` +
      `to ${out}/weights.json + weights.bin`,
  );
}

async function verify(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { weights: { type: "string" }, help: { type: "boolean" } },
    strict: true,
  });
  if (values.help) return void console.log(HELP);
  await tf.setBackend("wasm");
  const dir = weightsDir(values.weights);
  const checks = await verifyImageNetWeights(dir);
  console.log(`ImageNet top-5 check of ${dir} (backend ${tf.getBackend()}):\n`);
  console.log(formatTop5Table(checks));
  const failed = checks.filter((c) => !c.ok).map((c) => c.image);
  if (failed.length > 0) {
    fail(`top-5 differs for ${failed.join(", ")}: these are not the expected ImageNet weights`);
  }
  console.log(`\nall ${checks.length} photos match: the weights are the ImageNet MobileNetV2`);
}

export async function main(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === "fetch") return await fetchWeights(rest);
  if (sub === "verify") return await verify(rest);
  if (!sub || sub === "--help" || sub === "-h") return void console.log(HELP);
  fail(`unknown weights command '${sub}' (try: deno task cxr weights --help)`, { exitCode: 2 });
}
