/**
 * `deno run -A lib/cli/check_cycles.ts [DIR ...]` (part of `deno task check`): fails, listing
 * them, when modules under the folders (default `lib`, `tools` and `tests`) import each other in
 * a cycle.
 *
 * @module
 */
import { readdir } from "node:fs/promises";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { WORKSPACE_ROOT } from "../paths.ts";
import { exists } from "../util/fs.ts";
import { importCycles, importGraph } from "../util/import_cycles.ts";
import { userErrorExitCode } from "./exit.ts";

/** Every `.ts` file under `dir`, sorted. */
async function tsFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith(".ts"))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** Checks `dirs` (relative to the workspace); returns the exit code. */
export async function main(args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true });
  const dirs = positionals.length ? positionals : ["lib", "tools", "tests"];
  const files: string[] = [];
  for (const dir of dirs.map((d) => resolve(WORKSPACE_ROOT, d))) {
    if (await exists(dir)) files.push(...await tsFiles(dir));
  }
  const cycles = importCycles(await importGraph(files));
  const show = (url: string) => relative(WORKSPACE_ROOT, fileURLToPath(url));
  for (const cycle of cycles) console.error(`import cycle: ${cycle.map(show).join(" <-> ")}`);
  if (cycles.length > 0) return 1;
  console.log(`check_cycles: no import cycles among ${files.length} modules`);
  return 0;
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (err) {
    Deno.exit(userErrorExitCode(err, "deno run -A lib/cli/check_cycles.ts"));
  }
}
