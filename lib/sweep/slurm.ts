/**
 * The Slurm executor: the sweep's unfinished cells as one job array. The script
 * (`<sweepDir>/slurm/sweep-<time>.sh`) runs cell `SLURM_ARRAY_TASK_ID` exactly as a local cell
 * runs (`cxr train`, then `cxr evaluate --split test`), appending to the cell's log
 * (`<sweepDir>/logs/<cell>.log`); before that it checks that Deno, the data and the weights are
 * on the node and names what is missing. Submissions are listed in `<sweepDir>/slurm/jobs.json`
 * so `cxr sweep status` can ask `squeue`/`sacct` about them.
 *
 * @module
 */
import { chmod, mkdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { fail } from "../errors.ts";
import { dataRoot, weightsDir, WORKSPACE_ROOT } from "../paths.ts";
import { writeFileAtomic, writeJsonAtomic } from "../util/atomic.ts";
import { CLI_MAIN, evaluateArgs, sweepConfigPath, trainArgs } from "./commands.ts";
import { cellName, cellPath, type SweepCell, type SweepFile } from "./grid.ts";
import { cellLogPath, isFinished, LOG_MARK } from "./status.ts";

/** Options of {@linkcode submitSlurmSweep}. */
export interface SlurmSweepOptions {
  sweepDir: string;
  sweep: SweepFile;
  /** The cells to run (unfinished ones are submitted). Default: all of `sweep`. */
  cells?: SweepCell[];
  /** Tasks running at once (`%M` of `--array`). Default 4. */
  concurrent?: number;
  /** `--partition`. Default: the cluster's default. */
  partition?: string;
  /** `--time` per task. Default "24:00:00". */
  time?: string;
  /** `--cpus-per-task`. Default 2. */
  cpus?: number;
  /** Write the script but do not submit. Default false. */
  dryRun?: boolean;
  /** Progress lines. Default console.log. */
  print?: (line: string) => void;
}

/** One submission, as listed in `<sweepDir>/slurm/jobs.json`. */
export interface SlurmSubmission {
  jobId: string;
  script: string;
  submitted: string;
  /** Cell names by array task id. */
  cells: string[];
}

/** `<sweepDir>/slurm/jobs.json`. */
export function jobsPath(sweepDir: string): string {
  return join(sweepDir, "slurm", "jobs.json");
}

/** Reads the submissions of a sweep (empty when none). */
export async function readSubmissions(sweepDir: string): Promise<SlurmSubmission[]> {
  try {
    return JSON.parse(await readFile(jobsPath(sweepDir), "utf8")) as SlurmSubmission[];
  } catch {
    return [];
  }
}

/** Quotes `s` for bash. */
export function shQuote(s: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}

/** Settings the job script needs besides the cells. */
export interface ScriptOptions {
  concurrent: number;
  partition?: string;
  time: string;
  cpus: number;
  /** Deno on the submitting machine (tried first on the node). */
  deno: string;
  dataDir: string;
  weightsDir: string;
  cacheDir?: string;
}

/** The job-array script for `cells` (task i runs cells[i]). */
export function slurmScript(
  sweepDir: string,
  sweep: SweepFile,
  cells: SweepCell[],
  o: ScriptOptions,
): string {
  const q = shQuote;
  const words = (args: string[]) => ["run", "-A", CLI_MAIN, ...args].map(q).join(" ");
  const runDir = (c: SweepCell) => join(sweepDir, cellPath(c));
  const cases = cells.map((c, i) =>
    [
      `  ${i})`,
      `    CELL=${q(cellName(c))}; RUN_DIR=${q(runDir(c))}; NEEDS_WEIGHTS=${
        c.model === "mobilenetv2" ? 1 : 0
      }`,
      `    TRAIN=(${words(trainArgs(sweep, c, runDir(c), sweepDir))})`,
      `    ;;`,
    ].join("\n")
  ).join("\n");
  return `#!/bin/bash
#SBATCH --job-name=cxr-sweep
#SBATCH --array=0-${cells.length - 1}%${o.concurrent}
#SBATCH --output=${join(sweepDir, "slurm", "%A_%a.out")}
#SBATCH --cpus-per-task=${o.cpus}
#SBATCH --time=${o.time}
${
    o.partition
      ? `#SBATCH --partition=${o.partition}\n`
      : ""
  }# Written by 'deno task cxr sweep --executor slurm': array task i trains and evaluates cell i
# of the sweep in ${sweepDir}, as the local executor does; its output goes to
# ${join(sweepDir, "logs")}/<cell>.log.
set -uo pipefail
TASK=\${SLURM_ARRAY_TASK_ID:?submit this script with sbatch (it runs one array task per cell)}
case "$TASK" in
${cases}
  *) echo "error: no cell for array task $TASK (${cells.length} cells)" >&2; exit 2 ;;
esac
mkdir -p ${q(join(sweepDir, "logs"))}
LOG=${q(join(sweepDir, "logs"))}/"$CELL.log"
exec >>"$LOG" 2>&1
echo "${LOG_MARK.start} $CELL $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(hostname) (slurm job \${SLURM_ARRAY_JOB_ID:-?}_$TASK) in $RUN_DIR"
failed() { echo "${LOG_MARK.failed} $*"; exit 1; }
DENO=\${CXR_DENO:-${q(o.deno)}}
[ -x "$DENO" ] || DENO=$(command -v deno || true)
[ -n "$DENO" ] || failed "Deno is missing on $(hostname): install Deno 2 there, or set CXR_DENO to its path"
export CXR_DATA_DIR=\${CXR_DATA_DIR:-${q(o.dataDir)}}
export CXR_WEIGHTS_DIR=\${CXR_WEIGHTS_DIR:-${q(o.weightsDir)}}
${o.cacheDir ? `export CXR_CACHE_DIR=\${CXR_CACHE_DIR:-${q(o.cacheDir)}}\n` : ""}export NO_COLOR=1
[ -d "$CXR_DATA_DIR/train" ] || failed "the data is missing on $(hostname): no $CXR_DATA_DIR/train (set CXR_DATA_DIR to the Kermany set's folder)"
if [ "$NEEDS_WEIGHTS" = 1 ] && [ ! -f "$CXR_WEIGHTS_DIR/weights.json" ]; then
  failed "the ImageNet weights are missing on $(hostname): no $CXR_WEIGHTS_DIR/weights.json (set CXR_WEIGHTS_DIR, or run deno task cxr weights fetch)"
fi
[ -f ${q(CLI_MAIN)} ] || failed "the workspace is missing on $(hostname): no ${CLI_MAIN}"
cd ${q(WORKSPACE_ROOT)} || failed "cannot enter ${WORKSPACE_ROOT} on $(hostname)"
OUT=$(mktemp)
trap 'rm -f "$OUT"' EXIT
run() {
  "$DENO" "$@" 2>&1 | tee "$OUT"
  local code=\${PIPESTATUS[0]}
  if [ "$code" != 0 ]; then
    local line
    line=$(grep -i '^error' "$OUT" | tail -n 1)
    failed "\${line:-$(tail -n 1 "$OUT")} (exit $code)"
  fi
}
run "\${TRAIN[@]}"
run ${words(evaluateArgs("RUN_DIR")).replace("RUN_DIR", '"$RUN_DIR"')}
echo "${LOG_MARK.done} $(grep -o '"accuracy": [0-9.]*' "$RUN_DIR/eval-test/metrics.json" | head -n 1)"
`;
}

/**
 * Writes the job script for the unfinished cells and submits it with `sbatch` (unless
 * `dryRun`); returns the script path and the job id (undefined when nothing was submitted).
 */
export async function submitSlurmSweep(
  options: SlurmSweepOptions,
): Promise<{ script?: string; jobId?: string; cells: SweepCell[] }> {
  const { sweepDir, sweep } = options;
  const print = options.print ?? ((line: string) => console.log(line));
  const all = options.cells ?? sweep.cells;
  const cells: SweepCell[] = [];
  for (const c of all) if (!(await isFinished(join(sweepDir, cellPath(c))))) cells.push(c);
  if (cells.length === 0) {
    print(`sweep: all ${all.length} cell(s) are finished in ${sweepDir}; nothing to submit`);
    return { cells };
  }
  if (sweep.config) await writeJsonAtomic(sweepConfigPath(sweepDir), sweep.config);
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const script = join(sweepDir, "slurm", `sweep-${stamp}.sh`);
  await mkdir(join(sweepDir, "slurm"), { recursive: true });
  await mkdir(join(sweepDir, "logs"), { recursive: true });
  const text = slurmScript(sweepDir, sweep, cells, {
    concurrent: Math.max(1, options.concurrent ?? 4),
    partition: options.partition,
    time: options.time ?? "24:00:00",
    cpus: options.cpus ?? 2,
    deno: Deno.execPath(),
    dataDir: dataRoot(),
    weightsDir: weightsDir(),
    cacheDir: Deno.env.get("CXR_CACHE_DIR"),
  });
  await writeFileAtomic(script, text);
  await chmod(script, 0o755);
  print(`sweep: wrote ${script} (${cells.length} array task(s), of ${all.length} cell(s))`);
  if (options.dryRun) return { script, cells };
  const jobId = await sbatch(script);
  const submissions = await readSubmissions(sweepDir);
  submissions.push({
    jobId,
    script,
    submitted: new Date().toISOString(),
    cells: cells.map(cellName),
  });
  await writeJsonAtomic(jobsPath(sweepDir), submissions);
  print(
    `sweep: submitted job array ${jobId}; logs per cell in ${join(sweepDir, "logs")}/; ` +
      `follow it with: deno task cxr sweep status --out ${sweepDir}`,
  );
  for (const c of cells) {
    print(`  task ${cells.indexOf(c)}: ${cellName(c)} -> ${cellLogPath(sweepDir, c)}`);
  }
  return { script, jobId, cells };
}

async function sbatch(script: string): Promise<string> {
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command("sbatch", {
      args: ["--parsable", script],
      stderr: "piped",
      stdout: "piped",
    })
      .output();
  } catch (err) {
    fail(
      `cannot run sbatch (${(err as Error).message}): submit from a machine with Slurm's ` +
        `client tools, or run the script's cells with --executor local`,
    );
  }
  const dec = new TextDecoder();
  if (out.code !== 0) {
    fail(`sbatch ${script} failed: ${dec.decode(out.stderr).trim() || `exit ${out.code}`}`);
  }
  return dec.decode(out.stdout).trim().split(";")[0];
}
