/**
 * `deno task reproduce`: runs the notebooks in `notebooks/` (sorted by name) headless with
 * Deno's kernel, stores their outputs, and stops at the first failing cell with a non-zero
 * exit naming notebook, cell and error. Parameters reach the notebooks as environment
 * variables (see lib/notebook/params.ts).
 *
 * @module
 */
import { mkdir, readdir } from "node:fs/promises";
import { basename, join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { type Profile, PROFILES } from "./config.ts";
import { fail } from "./errors.ts";
import { type RunEvent, runNotebook } from "./jupyter/runner.ts";
import { type NotebookParams, PARAM_ENV, PARAMS_FILE_ENV, paramsEnv } from "./notebook/params.ts";
import { fromWorkspace, WORKSPACE_ROOT } from "./paths.ts";
import { userErrorExitCode } from "./cli/exit.ts";

const USAGE = `usage: deno task reproduce [flags]

Runs notebooks/*.ipynb in name order with Deno's Jupyter kernel and stores every output.

flags:
  --profile quick|full   quick: balanced subset of 48 per class, minutes; full: the paper's protocol, hours
                         (default: $${PARAM_ENV.profile}, else full)
  --only PREFIX[,...]    run only notebooks whose name starts with PREFIX (e.g. --only 03)
  --notebooks DIR        folder of notebooks (default: notebooks/)
  --out DIR              write the executed notebooks into DIR instead of in place (the
                         kernel still starts in the notebooks' folder, so imports resolve)
  --split S              split strategy passed to the notebooks: paper | patient | official
  --seeds N[,N...]       seeds passed to the notebooks, e.g. 42,43,44
  --run-dir DIR          run directory passed to the notebooks
  --params FILE          JSON params file passed to the notebooks (${PARAMS_FILE_ENV})
  --cell-timeout SEC     longest one cell may run (default: 7200 quick, 259200 full)
  -h, --help             this help
`;

const FOLDER_ENV = [
  PARAM_ENV.dataDir,
  PARAM_ENV.weightsDir,
  PARAM_ENV.outputsDir,
  PARAM_ENV.runDir,
  "CXR_CACHE_DIR",
];

/** Runs the CLI; returns the exit code. */
export async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      profile: { type: "string" },
      only: { type: "string" },
      notebooks: { type: "string" },
      out: { type: "string" },
      split: { type: "string" },
      seeds: { type: "string" },
      "run-dir": { type: "string" },
      params: { type: "string" },
      "cell-timeout": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const profile = values.profile ?? (Deno.env.get(PARAM_ENV.profile) || "full");
  if (!(PROFILES as readonly string[]).includes(profile)) {
    fail(`--profile must be one of ${PROFILES.join(", ")}, not '${profile}'`, { exitCode: 2 });
  }
  // Full-profile training cells run for many hours on a CPU.
  const timeoutSec = Number(values["cell-timeout"] ?? (profile !== "quick" ? 72 * 3600 : 2 * 3600));
  if (!(timeoutSec > 0)) {
    fail(`--cell-timeout must be a positive number of seconds`, { exitCode: 2 });
  }

  const dir = resolve(values.notebooks ?? join(WORKSPACE_ROOT, "notebooks"));
  const notebooks = await listNotebooks(dir, values.only);
  if (notebooks.length === 0) {
    console.log(`reproduce: no notebooks in ${dir}; nothing to run`);
    return 0;
  }

  const params: Partial<NotebookParams> = {
    profile: profile as Profile,
    split: values.split as NotebookParams["split"] | undefined,
    seeds: values.seeds?.split(",").map(Number),
    runDir: values["run-dir"] && resolve(values["run-dir"]),
  };
  const env = paramsEnv(params);
  // Folders reach the kernel absolute: a flag counts from where `reproduce` was started, an
  // inherited variable from the workspace root (lib/paths.ts), as in the kernel itself.
  for (const name of FOLDER_ENV) {
    const value = env[name] ?? Deno.env.get(name);
    if (value) env[name] = env[name] ? resolve(value) : fromWorkspace(value);
  }
  const outDir = values.out && resolve(values.out);
  if (outDir) await mkdir(outDir, { recursive: true });
  if (values.params) env[PARAMS_FILE_ENV] = resolve(values.params);

  const controller = new AbortController();
  const onSignal = () => {
    console.error("\nreproduce: interrupted; shutting the kernel down");
    controller.abort();
  };
  const signals: Deno.Signal[] = ["SIGINT", "SIGTERM"];
  for (const s of signals) Deno.addSignalListener(s, onSignal);

  const started = performance.now();
  console.log(`reproduce: profile ${profile}, ${notebooks.length} notebook(s) in ${dir}`);
  try {
    for (const path of notebooks) {
      if (controller.signal.aborted) return 130;
      const shown = relative(Deno.cwd(), path) || path;
      console.log(`\n== ${shown}`);
      const run = await runNotebook(path, {
        env,
        cellTimeoutMs: timeoutSec * 1000,
        outPath: outDir && join(outDir, basename(path)),
        signal: controller.signal,
        onEvent: printer(),
      });
      if (controller.signal.aborted) return 130;
      if (run.failure) {
        const f = run.failure;
        const trace = f.traceback.map(stripAnsi).join("\n");
        console.error(`${trace ? trace + "\n" : ""}`);
        console.error(
          `error: ${shown} cell ${f.cellNumber} failed: ${f.ename}: ${stripAnsi(f.evalue)}`,
        );
        return 1;
      }
      console.log(
        `ok: ${shown}, ${plural(run.cells, "cell")} (${run.executed} with code run) in ${
          run.seconds.toFixed(1)
        } s`,
      );
    }
  } finally {
    for (const s of signals) Deno.removeSignalListener(s, onSignal);
  }
  const secs = (performance.now() - started) / 1000;
  console.log(`\nreproduce: ${notebooks.length} notebook(s) ok in ${secs.toFixed(1)} s`);
  return 0;
}

/** The notebooks in `dir`, sorted by name, filtered by comma-separated name prefixes. */
export async function listNotebooks(dir: string, only?: string): Promise<string[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.endsWith(".ipynb")).sort();
  } catch (err) {
    fail(`cannot list notebooks in ${dir}: ${(err as Error).message}; pass --notebooks DIR`);
  }
  if (only) {
    const prefixes = only.split(",").map((p) => p.trim()).filter(Boolean);
    const picked = names.filter((n) => prefixes.some((p) => n.startsWith(p)));
    if (picked.length === 0) {
      fail(`--only ${only} matches no notebook in ${dir} (have: ${names.join(", ") || "none"})`, {
        exitCode: 2,
      });
    }
    names = picked;
  }
  return names.map((n) => join(dir, n));
}

/** Prints progress per cell and echoes the cells' console output, indented. */
function printer(): (e: RunEvent) => void {
  const encoder = new TextEncoder();
  let lineStart = true;
  const out = (s: string) => Deno.stdout.writeSync(encoder.encode(s));
  return (e) => {
    switch (e.kind) {
      case "kernel":
        console.log(`kernel ready in ${e.seconds.toFixed(1)} s`);
        break;
      case "cell-start":
        lineStart = true;
        console.log(`cell ${e.cellNumber}/${e.cells}: ${e.firstLine.slice(0, 70)}`);
        break;
      case "stream":
        for (const piece of e.text.split(/(?<=\n)/)) {
          out((lineStart ? "  | " : "") + piece);
          lineStart = piece.endsWith("\n");
        }
        break;
      case "cell-end":
        if (!lineStart) out("\n");
        lineStart = true;
        console.log(`cell ${e.cellNumber} ${e.ok ? "ok" : "FAILED"} in ${e.seconds.toFixed(1)} s`);
        break;
    }
  };
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

function stripAnsi(s: string): string {
  // deno-lint-ignore no-control-regex
  return s.replace(/\x1b\[[0-9;]*m/g, "");
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (err) {
    Deno.exit(userErrorExitCode(err, "deno task reproduce --help"));
  }
}
