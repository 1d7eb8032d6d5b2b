/**
 * `deno task cxr weights verify [--weights DIR]`: check that a weights folder holds the real
 * ImageNet MobileNetV2 (top-5 on its test photos).
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { parseArgs } from "node:util";
import { fail } from "../errors.ts";
import { formatTop5Table, verifyImageNetWeights } from "../models/imagenet_check.ts";
import { weightsDir } from "../paths.ts";

const HELP = `usage: deno task cxr weights verify [--weights DIR]

  verify   run MobileNetV2 with the ImageNet classifier on the folder's testimages/*.rgb224 and
           compare the top-5 with testimages/expected_top5.json (classes equal, |dp| <= 1e-3)

  --weights DIR   weights folder (default: $CXR_WEIGHTS_DIR, else data/weights/mobilenet_v2_imagenet)
`;

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
  if (sub === "verify") return await verify(rest);
  if (!sub || sub === "--help" || sub === "-h") return void console.log(HELP);
  fail(`unknown weights command '${sub}' (try: deno task cxr weights --help)`, { exitCode: 2 });
}
