/**
 * `deno task cxr sweep`: a grid of runs (models x splits x seeds x patient keys) as resumable
 * run folders under one sweep folder, run here (`--executor local`) or as a Slurm job array
 * (`--executor slurm`); `deno task cxr sweep status --out DIR` shows where every cell is.
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { MODEL_NAMES, type PatientKeyKind, type Profile, SPLIT_STRATEGIES } from "../config.ts";
import { loadConfig } from "../config.ts";
import { PATIENT_KEY_KINDS } from "../data/patient_id.ts";
import { fail } from "../errors.ts";
import {
  expandGrid,
  formatStatus,
  readSweep,
  recordSweep,
  runLocalSweep,
  submitSlurmSweep,
  sweepFile,
  sweepStatus,
} from "../sweep/mod.ts";
import { countFlag, requiredFlag } from "./_flags.ts";

const HELP =
  `usage: deno task cxr sweep --models A[,B] --splits X[,Y] --seeds N[,M] --out DIR [flags]
       deno task cxr sweep status --out DIR

Trains and evaluates every cell of the grid models x splits x seeds (x patient keys) into
DIR/<split>/<model>-seed<N>/ (the patient split keyed on personN alone goes to
DIR/patient-person/), recorded in DIR/sweep.json. Each cell runs 'cxr train' then
'cxr evaluate --split test'; a cell is finished once that evaluation is complete
(DIR/.../eval-test/metrics.json and, written last, report.md). Rerunning the same command
skips finished cells and resumes interrupted ones; a cell whose run folder another process
trains is left to it.

  --models LIST        mobilenetv2, baseline (comma-separated)
  --splits LIST        paper, patient, official
  --seeds LIST         e.g. 42,43,44
  --patient-keys LIST  person-type (default), person: crossed with the patient split only
  --profile NAME       quick | fast | full: profile of every cell (default full)
  --config FILE        JSON config fields for every cell (recorded in sweep.json)
  --out DIR            the sweep folder (required)
  --executor NAME      local (default): run cells here | slurm: submit a job array
  --jobs N             local: cells at a time (default 1); slurm: tasks at a time (%N, default 4)
  --partition NAME     slurm: partition (default: the cluster's default)
  --time LIMIT         slurm: time limit per task (default 24:00:00)
  --cpus N             slurm: CPUs per task (default 2)
  --dry-run            slurm: write the job script, do not submit
`;

function listFlag<T extends string>(name: string, text: string | undefined, allowed: readonly T[]) {
  if (text === undefined) fail(`--${name} is required (try --help)`, { exitCode: 2 });
  const items = text.split(",").map((s) => s.trim()).filter(Boolean);
  const bad = items.filter((s) => !allowed.includes(s as T));
  if (items.length === 0 || bad.length) {
    fail(`--${name} ${text}: expected a comma list of ${allowed.join(", ")}`, { exitCode: 2 });
  }
  return items as T[];
}

function seedsFlag(text: string | undefined): number[] {
  if (text === undefined) fail("--seeds is required (try --help)", { exitCode: 2 });
  const seeds = text.split(",").map((s) => s.trim()).filter(Boolean).map(Number);
  if (seeds.length === 0 || !seeds.every((s) => Number.isInteger(s) && s >= 0)) {
    fail(`--seeds ${text}: expected comma-separated whole numbers, e.g. 42,43`, { exitCode: 2 });
  }
  return seeds;
}

export async function main(args: string[]): Promise<void> {
  if (args[0] === "status") return await status(args.slice(1));
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      models: { type: "string" },
      splits: { type: "string" },
      seeds: { type: "string" },
      "patient-keys": { type: "string" },
      profile: { type: "string" },
      config: { type: "string" },
      out: { type: "string" },
      executor: { type: "string" },
      jobs: { type: "string" },
      partition: { type: "string" },
      time: { type: "string" },
      cpus: { type: "string" },
      "dry-run": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) return void console.log(HELP);
  const out = resolve(requiredFlag("--out DIR", values.out));
  const executor = values.executor ?? "local";
  if (executor !== "local" && executor !== "slurm") {
    fail(`--executor ${executor}: expected local or slurm`, { exitCode: 2 });
  }
  const profile = values.profile ?? "full";
  const config = values.config ? await readConfigFile(values.config) : null;
  // Every cell's config is checked before anything runs (a typo fails here, not in cell 7).
  const cells = expandGrid({
    models: listFlag("models", values.models, MODEL_NAMES),
    splits: listFlag("splits", values.splits, SPLIT_STRATEGIES),
    seeds: seedsFlag(values.seeds),
    patientKeys: values["patient-keys"] === undefined
      ? undefined
      : listFlag<PatientKeyKind>("patient-keys", values["patient-keys"], PATIENT_KEY_KINDS),
  });
  for (const c of cells) {
    await loadConfig({
      profile: profile as Profile,
      overrides: {
        ...config,
        model: c.model,
        split: c.split,
        seed: c.seed,
        patientKey: c.patientKey,
      },
    });
  }
  const sweep = await recordSweep(out, sweepFile(profile, cells, { config }));
  const jobs = countFlag("jobs", values.jobs);
  if (executor === "slurm") {
    await submitSlurmSweep({
      sweepDir: out,
      sweep,
      cells,
      concurrent: jobs ?? 4,
      partition: values.partition,
      time: values.time,
      cpus: countFlag("cpus", values.cpus),
      dryRun: values["dry-run"],
    });
    return;
  }
  const controller = new AbortController();
  const onSignal = () => {
    if (controller.signal.aborted) return;
    console.error("\nsweep: stopping; running cells resume on the next start");
    controller.abort();
  };
  const signals: Deno.Signal[] = ["SIGINT", "SIGTERM"];
  for (const s of signals) Deno.addSignalListener(s, onSignal);
  try {
    const only = new Set(cells.map((c) => JSON.stringify(c)));
    const result = await runLocalSweep({
      sweepDir: out,
      sweep: { ...sweep, cells: sweep.cells.filter((c) => only.has(JSON.stringify(c))) },
      jobs: jobs || 1,
      signal: controller.signal,
    });
    if (result.interrupted) {
      fail("sweep interrupted; rerun the same command to resume", { exitCode: 130 });
    }
    if (result.busy) {
      fail(
        `${result.busy} cell(s) are being trained by another process (see the table); ` +
          `rerun this command once they finish`,
      );
    }
    if (result.failed) {
      fail(`${result.failed} cell(s) failed; their logs are in ${out}/logs/ (rerun to retry)`);
    }
    console.log(`sweep: ${result.ran} cell(s) run, all ${result.rows.length} finished in ${out}`);
  } finally {
    for (const s of signals) Deno.removeSignalListener(s, onSignal);
  }
}

async function readConfigFile(path: string): Promise<Record<string, unknown>> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, "utf8"));
  } catch (err) {
    fail(`cannot read the config file ${path}: ${(err as Error).message}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    fail(`config file ${path} must hold a JSON object of config fields`);
  }
  return value as Record<string, unknown>;
}

async function status(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: { out: { type: "string" }, help: { type: "boolean", short: "h" } },
  });
  if (values.help) return void console.log(HELP);
  const out = resolve(requiredFlag("--out DIR", values.out));
  const sweep = await readSweep(out) ??
    fail(`${out} holds no sweep.json; start one with deno task cxr sweep ... --out ${out}`);
  console.log(formatStatus(await sweepStatus(out, sweep)).join("\n"));
}
