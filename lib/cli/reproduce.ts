/**
 * `deno task reproduce`: the sweep behind REPORT.md, then the notebooks. It first prints the
 * plan (every run of the report's grid, which are finished, and an estimated time from the
 * epoch times measured so far), trains and evaluates the unfinished runs as a local sweep
 * (lib/sweep/: finished runs are never retrained, interrupted ones resume), then runs
 * `notebooks/*.ipynb` in name order headless with Deno's kernel; the notebooks show the runs
 * from their files. Nothing committed is overwritten by a partial run: runs not yet begun train
 * in a work folder and move into the run folder when their evaluation is written, and each
 * notebook is executed into a work copy that replaces it only when every cell succeeded.
 * Stops at the first failing cell with a non-zero exit naming notebook, cell and error.
 * Parameters reach the notebooks as environment variables (see lib/notebook/params.ts).
 *
 * @module
 */
import { mkdir, readdir, rename } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { type Profile, PROFILES, SPLIT_STRATEGIES, type SplitStrategy } from "../config.ts";
import { fail } from "../errors.ts";
import { type RunEvent, runNotebook } from "../jupyter/runner.ts";
import { type NotebookParams, PARAM_ENV, PARAMS_FILE_ENV, paramsEnv } from "../notebook/params.ts";
import { fromWorkspace, outputsDir, shownPath, WORKSPACE_ROOT } from "../paths.ts";
import { userErrorExitCode } from "./exit.ts";
import { countFlag } from "./_flags.ts";
import {
  formatPlan,
  planCells,
  readPlan,
  recordSweep,
  runLocalSweep,
  sweepFile,
} from "../sweep/mod.ts";

const USAGE = `usage: deno task reproduce [flags]

Trains and evaluates the runs behind REPORT.md that are not finished yet (a sweep: finished
runs are shown from their files, interrupted ones resume), then runs notebooks/*.ipynb in name
order with Deno's Jupyter kernel and stores every output. It first prints the plan and an
estimated time. An interrupted reproduce leaves committed results and notebooks as they were.

The plan (full profile, the report's grid in outputs/runs/full): MobileNetV2 on the paper's
image-level split and on the official protocol, seeds 42-46; MobileNetV2 and the baseline on
the patient split keyed on personN (outputs/runs/full/patient-person/), seeds 42-44.
fast (the frozen-feature cache, outputs/runs/fast): MobileNetV2 on the three protocols, seeds
42-43, and the baseline on the patient split, seed 42.
quick: both models on the paper's split, seed 42, in outputs/runs/quick (a few minutes).

flags:
  --profile NAME         quick | fast | full (default: $${PARAM_ENV.profile}, else full)
  --split S              plan both models on one split instead: paper | patient | official
  --seeds N[,N...]       seeds of that plan (default 42)
  --run-dir DIR          the sweep folder (default: outputs/runs/<profile>)
  --jobs N               runs trained at a time (default 1)
  --plan                 print the plan and the estimate, then stop
  --no-sweep             run the notebooks only (a notebook trains what is not finished)
  --only PREFIX[,...]    run only notebooks whose name starts with PREFIX (e.g. --only 03)
  --notebooks DIR        folder of notebooks (default: notebooks/)
  --out DIR              write the executed notebooks into DIR instead of in place (the
                         kernel still starts in the notebooks' folder, so imports resolve)
  --params FILE          JSON params file passed to the notebooks (${PARAMS_FILE_ENV})
  --cell-timeout SEC     longest one notebook cell may run (default: 7200 quick, 259200 else)
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
      jobs: { type: "string" },
      plan: { type: "boolean" },
      "no-sweep": { type: "boolean" },
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
  if (values.split !== undefined && !SPLIT_STRATEGIES.includes(values.split as SplitStrategy)) {
    fail(`--split ${values.split}: expected one of ${SPLIT_STRATEGIES.join(", ")}`, {
      exitCode: 2,
    });
  }
  const seeds = values.seeds?.split(",").map((s) => countFlag("seeds", s.trim()));
  const params: Partial<NotebookParams> = {
    profile: profile as Profile,
    split: values.split as SplitStrategy | undefined,
    seeds,
    runDir: resolve(
      values["run-dir"] ?? Deno.env.get(PARAM_ENV.runDir) ?? join(outputsDir(), "runs", profile),
    ),
  };

  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) return; // the same stop can arrive twice (deno task, group)
    console.error("\nreproduce: interrupted; stopping (rerun to continue where it stopped)");
    controller.abort();
  };
  const signals: Deno.Signal[] = ["SIGINT", "SIGTERM"];
  for (const s of signals) Deno.addSignalListener(s, onSignal);
  try {
    if (!values["no-sweep"]) {
      const code = await trainPlan(params, {
        jobs: countFlag("jobs", values.jobs) || 1,
        planOnly: values.plan ?? false,
        signal: controller.signal,
      });
      if (code !== 0 || values.plan) return code;
    }
    return await runNotebooks(params, {
      dir: resolve(values.notebooks ?? join(WORKSPACE_ROOT, "notebooks")),
      only: values.only,
      outDir: values.out && resolve(values.out),
      paramsFile: values.params && resolve(values.params),
      timeoutSec,
      signal: controller.signal,
    });
  } finally {
    for (const s of signals) Deno.removeSignalListener(s, onSignal);
  }
}

/** Prints the plan, then trains and evaluates its unfinished runs; returns an exit code. */
async function trainPlan(
  params: Partial<NotebookParams>,
  options: { jobs: number; planOnly: boolean; signal: AbortSignal },
): Promise<number> {
  const profile = params.profile!;
  const sweepDir = params.runDir!;
  // Runs not begun yet train here (ignored by git) and move into the sweep folder when done.
  const workDir = join(dirname(sweepDir), `.${basename(sweepDir)}-work`);
  const cells = planCells(profile, { split: params.split, seeds: params.seeds });
  const items = await readPlan(sweepDir, workDir, cells);
  console.log(`reproduce: the runs behind the report, then the notebooks`);
  console.log(formatPlan(profile, sweepDir, items, options.jobs).join("\n"));
  if (options.planOnly) return 0;
  const sweep = await recordSweep(sweepDir, sweepFile(profile, cells));
  if (items.every((i) => i.state.finished)) return 0;
  console.log("");
  const result = await runLocalSweep({
    sweepDir,
    sweep: { ...sweep, cells },
    jobs: options.jobs,
    workDir,
    signal: options.signal,
  });
  if (result.interrupted) return 130;
  if (result.busy) {
    console.error(
      `reproduce: ${result.busy} run(s) are being trained by another process; the notebooks ` +
        `run once every run is finished: rerun this command when they are`,
    );
    return 1;
  }
  if (result.failed) {
    console.error(
      `error: ${result.failed} run(s) failed (logs in ${join(sweepDir, "logs")}); ` +
        `the notebooks were not run; fix the cause and rerun to continue`,
    );
    return 1;
  }
  return 0;
}

/** Runs the notebooks into work copies, each replacing its target once it fully succeeded. */
async function runNotebooks(
  params: Partial<NotebookParams>,
  options: {
    dir: string;
    only?: string;
    outDir?: string;
    paramsFile?: string;
    timeoutSec: number;
    signal: AbortSignal;
  },
): Promise<number> {
  const notebooks = await listNotebooks(options.dir, options.only);
  if (notebooks.length === 0) {
    console.log(`reproduce: no notebooks in ${options.dir}; nothing to run`);
    return 0;
  }
  const env = paramsEnv(params);
  // Folders reach the kernel absolute: a flag counts from where `reproduce` was started, an
  // inherited variable from the workspace root (lib/paths.ts), as in the kernel itself.
  for (const name of FOLDER_ENV) {
    const value = env[name] ?? Deno.env.get(name);
    if (value) env[name] = env[name] ? resolve(value) : fromWorkspace(value);
  }
  if (options.outDir) await mkdir(options.outDir, { recursive: true });
  if (options.paramsFile) env[PARAMS_FILE_ENV] = options.paramsFile;
  const workDir = join(outputsDir(), "tmp", "reproduce", "notebooks");
  await mkdir(workDir, { recursive: true });

  const started = performance.now();
  console.log(
    `\nreproduce: profile ${params.profile}, ${notebooks.length} notebook(s) in ${options.dir}`,
  );
  for (const path of notebooks) {
    if (options.signal.aborted) return 130;
    const shown = shownPath(path);
    const target = options.outDir ? join(options.outDir, basename(path)) : path;
    const work = join(workDir, basename(path));
    console.log(`\n== ${shown}`);
    const run = await runNotebook(path, {
      env,
      cellTimeoutMs: options.timeoutSec * 1000,
      outPath: work,
      signal: options.signal,
      onEvent: printer(),
    });
    if (options.signal.aborted) return 130;
    if (run.failure) {
      const f = run.failure;
      const trace = f.traceback.map(stripAnsi).join("\n");
      console.error(`${trace ? trace + "\n" : ""}`);
      console.error(
        `error: ${shown} cell ${f.cellNumber} failed: ${f.ename}: ${stripAnsi(f.evalue)} ` +
          `(its outputs are in ${work}; ${shownPath(target)} is unchanged)`,
      );
      return 1;
    }
    await replaceFile(work, target);
    console.log(
      `ok: ${shown}, ${plural(run.cells, "cell")} (${run.executed} with code run) in ${
        run.seconds.toFixed(1)
      } s`,
    );
  }
  const secs = (performance.now() - started) / 1000;
  console.log(`\nreproduce: ${notebooks.length} notebook(s) ok in ${secs.toFixed(1)} s`);
  return 0;
}

/** Moves `from` onto `to` in one rename (copying first when they are on different disks). */
async function replaceFile(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (err) {
    if ((err as { code?: string }).code !== "EXDEV") throw err;
    const tmp = `${to}.tmp-${Deno.pid}`;
    await Deno.copyFile(from, tmp);
    await rename(tmp, to);
    await Deno.remove(from);
  }
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
