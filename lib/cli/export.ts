/**
 * `deno task cxr export --run-dir DIR --out DIR [--float16]`: a run's best checkpoint as TF.js
 * layers files for a web page, with model-card.json.
 *
 * @module
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { initBackend, parseBackendName } from "../backend.ts";
import { exportRun } from "../export/mod.ts";
import { isUnit, numberFlag, requiredFlag } from "./_flags.ts";

const HELP = `usage: deno task cxr export --run-dir DIR --out DIR [flags]

Writes DIR's best checkpoint as model.json + weights.bin (what tf.loadLayersModel reads in a
browser) and model-card.json (protocol, split, seed, input size, threshold, test metrics with
95% intervals, intended use: research only) into the --out folder.

  --run-dir DIR   run folder written by 'cxr train' (required)
  --out DIR       output folder (required; 'deno task serve --model DIR' serves it)
  --float16       store the weights as float16 (half the download); scores the run's test split
                  with both versions and prints the change (max |dp|, accuracy)
  --threshold T   decision threshold for the card (default: the run's test evaluation's, else 0.5)
  --data DIR      dataset root for the float16 check (default: the run's, else CXR_DATA_DIR)
  --backend NAME  tensorflow | webgpu | wasm | cpu (default: CXR_BACKEND, else the fastest)`;

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      "run-dir": { type: "string" },
      out: { type: "string" },
      float16: { type: "boolean", default: false },
      threshold: { type: "string" },
      data: { type: "string" },
      backend: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return void console.log(HELP);
  const runDir = requiredFlag("--run-dir DIR", values["run-dir"]);
  const outDir = requiredFlag("--out DIR", values.out);
  await initBackend({ backend: parseBackendName(values.backend) });
  const { files } = await exportRun({
    runDir: resolve(runDir),
    outDir: resolve(outDir),
    float16: values.float16,
    threshold: values.threshold === undefined
      ? undefined
      : numberFlag("threshold", values.threshold, 0.5, isUnit, "a number in [0, 1]"),
    dataRoot: values.data ? resolve(values.data) : undefined,
  });
  console.log(`wrote ${files.join(", ")}`);
}
