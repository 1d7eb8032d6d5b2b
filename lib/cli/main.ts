/**
 * `deno task cxr <command>`: the command-line entry. Each command lives in its own module
 * under `lib/cli/` and exports `main(args)`; the notebooks and `reproduce` call the same `lib/`
 * functions those modules call.
 *
 * @module
 */
import { exitWhenParentGone } from "../util/parent_watch.ts";
import { userErrorExitCode } from "./exit.ts";

/** Command name -> module (relative to this file) and one-line help. */
const COMMANDS: Record<string, { module: string; help: string }> = {
  manifest: { module: "./manifest.ts", help: "scan a dataset and write its manifest CSV" },
  split: { module: "./split.ts", help: "write train/val/test CSVs (paper | patient | official)" },
  prepare: { module: "./prepare.ts", help: "decode, resize and cache every image" },
  data: { module: "./data.ts", help: "data fetch: download the Kermany set (needs internet)" },
  weights: { module: "./weights.ts", help: "weights fetch | verify: ImageNet MobileNetV2 weights" },
  summary: { module: "./summary.ts", help: "print a model's layers and parameter counts" },
  train: { module: "./train.ts", help: "two-stage training into a run directory" },
  "augment-preview": { module: "./augment_preview.ts", help: "grid PNG of augmented images" },
  metrics: { module: "./metrics.ts", help: "metrics from a predictions CSV" },
  evaluate: { module: "./evaluate.ts", help: "evaluate a run's best checkpoint" },
  derive: { module: "./derive.ts", help: "an evaluation variant of a run (tta, threshold)" },
  report: { module: "./report.ts", help: "write REPORT.md from run directories" },
  sweep: { module: "./sweep.ts", help: "train a grid of runs here or on Slurm; sweep status" },
  predict: { module: "./predict.ts", help: "score new X-ray images with a run's model" },
  export: { module: "./export.ts", help: "export a run's model for a web page (+ model card)" },
};

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((c) => c.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.help}`);
  return `usage: deno task cxr <command> [flags]\n\ncommands:\n${lines.join("\n")}\n`;
}

/** Runs one CLI command; returns the process exit code. */
export async function runCli(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "--help" || name === "-h" || name === "help") {
    console.log(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS[name];
  if (!command) {
    console.error(`error: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  try {
    const mod = await import(command.module);
    await mod.main(rest);
    return 0;
  } catch (err) {
    return userErrorExitCode(err, `deno task cxr ${name} --help`);
  }
}

if (import.meta.main) {
  // A cell of a sweep stops when its sweep is killed (lib/util/parent_watch.ts).
  exitWhenParentGone();
  Deno.exit(await runCli(Deno.args));
}
