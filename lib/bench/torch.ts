/**
 * Runs `torch_bench.py` with the system Python when PyTorch is importable there.
 *
 * @module
 */
import { fileURLToPath } from "node:url";
import type { EngineResult } from "./report.ts";
import type { BenchRow, BenchWorkload } from "./measure.ts";

/** Options passed through to `torch_bench.py` (see its docstring). */
export interface TorchBenchOptions extends BenchWorkload {
  /** PyTorch intra-op threads. */
  threads: number;
  /** Python interpreter. Default `CXR_PYTHON`, else /usr/bin/python3. */
  python?: string;
}

const SCRIPT = fileURLToPath(new URL("./torch_bench.py", import.meta.url));

/**
 * The PyTorch measurements, or `{ skipped }` saying why there are none (no Python, no torch,
 * or the script failed). Never throws for a missing PyTorch: it is optional.
 */
export async function runTorchBench(
  opts: TorchBenchOptions,
): Promise<EngineResult | { skipped: string }> {
  const python = opts.python ?? Deno.env.get("CXR_PYTHON") ?? "/usr/bin/python3";
  const args = JSON.stringify({ ...opts, python: undefined });
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command(python, { args: [SCRIPT, args], stdout: "piped", stderr: "piped" })
      .output();
  } catch (e) {
    return { skipped: `${python} not runnable (${e instanceof Error ? e.message : e})` };
  }
  const stderr = new TextDecoder().decode(out.stderr);
  if (!out.success) {
    if (/No module named '?(torch|torchvision)/.test(stderr)) {
      return {
        skipped:
          `PyTorch not importable by ${python} (apt-get install python3-torch python3-torchvision)`,
      };
    }
    return { skipped: `torch_bench.py failed: ${stderr.trim().split("\n").pop()}` };
  }
  const parsed = JSON.parse(new TextDecoder().decode(out.stdout)) as {
    torch: string;
    threads: number;
    rows: BenchRow[];
  };
  return { engine: `PyTorch ${parsed.torch} (${parsed.threads} threads)`, rows: parsed.rows };
}
