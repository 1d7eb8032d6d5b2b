/**
 * A Jupyter client in TypeScript for Deno's own kernel: ZMTP 3.0 over TCP (no native ZeroMQ),
 * HMAC-signed Jupyter messages, nbformat 4.5 files, and a headless notebook runner that
 * stores every output and stops at the first failing cell.
 *
 * @example
 * ```ts
 * import { codeCell, newNotebook, runNotebook, writeNotebook } from "./mod.ts";
 * const path = `${await Deno.makeTempDir()}/hello.ipynb`;
 * await writeNotebook(path, newNotebook([codeCell('console.log(Deno.env.get("CXR_PROFILE"))')]));
 * const run = await runNotebook(path, { env: { CXR_PROFILE: "quick" } });
 * if (run.failure) console.error(`cell ${run.failure.cellNumber}: ${run.failure.evalue}`);
 * ```
 *
 * @module
 */
export {
  type ExecuteOptions,
  type ExecuteReply,
  type Kernel,
  KernelError,
  type KernelOptions,
  startKernel,
} from "./kernel.ts";
export {
  type Cell,
  type CodeCell,
  codeCell,
  markdownCell,
  newNotebook,
  type Notebook,
  type Output,
  readNotebook,
  validateNotebook,
  writeNotebook,
} from "./nbformat.ts";
export { OutputRecorder } from "./outputs.ts";
export {
  type CellFailure,
  type NotebookRun,
  type RunEvent,
  runNotebook,
  type RunNotebookOptions,
} from "./runner.ts";
