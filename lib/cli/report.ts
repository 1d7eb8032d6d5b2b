/**
 * `deno task cxr report`: writes REPORT.md from run directories (the same `writeReport` that
 * notebook 05 calls), e.g. after runs of several protocols or on another machine.
 *
 * @module
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { dataRoot, outputsDir } from "../paths.ts";
import { measureRunEfficiency } from "../report/efficiency.ts";
import { findRunDirs, readRun } from "../report/runs.ts";
import { reportRunRoots, writeReport } from "../report/write.ts";
import { cellPath, isFinished, readSweep } from "../sweep/mod.ts";

const USAGE = `usage: deno task cxr report [flags]

Writes REPORT.md (paper vs ours on three protocols, seeds, the recipes tried on the official
test, baseline, efficiency, environment, data caveats) from run directories.

flags:
  --runs DIR       a run directory or a folder searched for them; repeatable; for a sweep
                   folder (sweep.json) it also says which of its runs are not finished yet
                   (default: <outputs>/runs/full and <outputs>/runs/fast)
  --out DIR        where REPORT.md and figures/ go (default: <outputs>)
  --data DIR       dataset root counted for the data caveats (default: CXR_DATA_DIR or
                   data/chest_xray, when it exists)
  --measure        measure size and speed of runs without efficiency.json (loads each model)
  -h, --help       this help
`;

/** Runs the command. */
export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      runs: { type: "string", multiple: true },
      out: { type: "string" },
      data: { type: "string" },
      measure: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const runs = values.runs ?? reportRunRoots(outputsDir());
  const root = dataRoot(values.data);
  let backend: { name: string; device: string } | undefined;
  if (values.measure) {
    const { initBackend } = await import("../backend.ts");
    backend = await initBackend();
    for (const dir of (await Promise.all(runs.map((r) => findRunDirs(r)))).flat()) {
      if ((await readRun(dir)).efficiency) continue;
      const e = await measureRunEfficiency(dir);
      console.log(`${dir}: ${e.latencyMs.toFixed(1)} ms/img, ${e.imgPerS.toFixed(1)} img/s`);
    }
  }
  const result = await writeReport({
    runs,
    outDir: values.out ?? outputsDir(),
    dataRoot: values.data !== undefined || existsSync(root) ? root : undefined,
    backend,
  });
  console.log(`wrote ${result.path} from ${result.runs.length} run(s)`);
  for (const dir of runs) {
    const line = await sweepProgress(dir);
    if (line) console.log(line);
  }
}

/** For a sweep folder: how many of its runs are finished, and which are not yet. */
async function sweepProgress(dir: string): Promise<string | undefined> {
  const sweep = await readSweep(dir);
  if (!sweep) return undefined;
  const missing: string[] = [];
  for (const cell of sweep.cells) {
    if (!(await isFinished(join(dir, cellPath(cell))))) missing.push(cellPath(cell));
  }
  const done = sweep.cells.length - missing.length;
  return `sweep ${dir}: ${done} of ${sweep.cells.length} run(s) finished` +
    (missing.length ? `; not yet in the report: ${missing.join(", ")}` : "");
}
