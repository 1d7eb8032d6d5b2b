/**
 * `deno task serve [--run-dir DIR | --model DIR] [--port N]`: the page that classifies chest
 * X-rays in the browser, for a run's best checkpoint (exported on start) or an exported folder.
 *
 * @module
 */
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { initBackend } from "../backend.ts";
import { userErrorExitCode } from "../cli/exit.ts";
import { fail } from "../errors.ts";
import { exportRun } from "../export/mod.ts";
import { startServer } from "./server.ts";

const HELP = `usage: deno task serve [--run-dir DIR | --model DIR] [--port N] [--host ADDR]

Serves a page that classifies chest X-rays in the browser (nothing is uploaded): pick or drop
JPEG/PNG files, see p(PNEUMONIA), the decision at the run's threshold and a Grad-CAM overlay.
Research use only: not a medical device.

  --run-dir DIR   a run folder written by 'cxr train': its best checkpoint is exported on start
  --model DIR     a folder written by 'cxr export' (model.json, weights.bin, model-card.json)
  --float16       with --run-dir: export float16 weights
  --port N        port (default 8000; 0 = any free port)
  --host ADDR     interface (default 127.0.0.1: this machine only)`;

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      "run-dir": { type: "string" },
      model: { type: "string" },
      float16: { type: "boolean", default: false },
      port: { type: "string" },
      host: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return void console.log(HELP);
  const port = Number(values.port ?? 8000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    fail(`--port ${values.port}: expected a port number 0-65535`, { exitCode: 2 });
  }
  let modelDir: string;
  if (values.model) modelDir = resolve(values.model);
  else if (values["run-dir"]) {
    modelDir = await mkdtemp(join(tmpdir(), "cxr-serve-"));
    await initBackend({});
    await exportRun({
      runDir: resolve(values["run-dir"]),
      outDir: modelDir,
      float16: values.float16,
    });
  } else {fail(
      "pass --run-dir DIR (a trained run) or --model DIR (an exported model); try --help",
      { exitCode: 2 },
    );}
  const server = await startServer({ modelDir, port, hostname: values.host });
  console.log(`serving ${server.url} (model ${modelDir}); Ctrl-C stops`);
}

if (import.meta.main) {
  try {
    await main(Deno.args);
  } catch (err) {
    Deno.exit(userErrorExitCode(err, "deno task serve --help"));
  }
}
