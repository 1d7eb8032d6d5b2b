/**
 * Picks and initialises the fastest tfjs backend this machine offers, once per process.
 *
 * Order: `tensorflow` (the optional tfjs-node-gpu / tfjs-node install, see {@linkcode
 * TFJS_NODE_DIR}), then `webgpu` on a real GPU adapter (software adapters such as lavapipe are
 * skipped: they are slower than wasm), then `wasm` (SIMD, multi-threaded), then `cpu`.
 * `CXR_BACKEND` (or the `backend` option) forces one; `CXR_THREADS` sets the wasm thread count;
 * `CXR_TFJS_FLAGS` sets tfjs flags once the backend is up (see {@linkcode parseTfjsFlags}).
 * The choice is printed once, e.g. `backend: wasm (SIMD, 2 threads)`. On every backend the
 * gradient kernels from `lib/kernels/` are registered, so the wasm backend can train.
 *
 * @example
 * ```ts
 * import { initBackend } from "./backend.ts";
 * const { name, device } = await initBackend({ backend: "cpu", quiet: true }); // default: fastest
 * console.log(name, device);
 * ```
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import * as tfWasm from "@tensorflow/tfjs-backend-wasm";
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fail } from "./errors.ts";
import { WORKSPACE_ROOT } from "./paths.ts";
import { registerGradientKernels } from "./kernels/mod.ts";
import { withWasmThreads } from "./_wasm_threads.ts";

/** The tfjs backends this project knows how to select. */
export type BackendName = "tensorflow" | "webgpu" | "wasm" | "cpu";

/** The backends in the order {@linkcode initBackend} tries them. */
export const BACKEND_NAMES: readonly BackendName[] = ["tensorflow", "webgpu", "wasm", "cpu"];

/** Options of {@linkcode initBackend}. */
export interface InitBackendOptions {
  /** Backend to use; default: `CXR_BACKEND`, else the first that works in {@linkcode BACKEND_NAMES} order. */
  backend?: BackendName;
  /** Do not print the `backend: ...` line. Default false. */
  quiet?: boolean;
  /** wasm threads (at most 8); default `CXR_THREADS`, else the number of logical cores. */
  threads?: number;
}

/** What {@linkcode initBackend} chose. */
export interface BackendInfo {
  name: BackendName;
  /** Human-readable device, e.g. `SIMD, 2 threads` or the GPU adapter's description. */
  device: string;
}

/**
 * Where `deno task setup:gpu` installs the optional tfjs-node(-gpu) packages. They are not
 * imports of this workspace: their install downloads libtensorflow, which CI and offline
 * machines cannot do, so the `tensorflow` backend is used only when this install exists.
 */
export const TFJS_NODE_DIR: string = join(WORKSPACE_ROOT, "optional", "tfjs-node");

let current: BackendInfo | null = null;
let announced = "";

/**
 * Initialises a backend (see the module doc for the order), registers the extra gradient
 * kernels, prints the choice once unless `quiet`, and returns it. Calling it again with the same
 * or no request returns the active backend; a different explicit request switches to it.
 * Throws CxrError when a requested backend cannot be initialised.
 */
export async function initBackend(opts: InitBackendOptions = {}): Promise<BackendInfo> {
  const requested = opts.backend ?? parseBackendName(Deno.env.get("CXR_BACKEND"));
  if (current && (requested == null || requested === current.name)) return current;
  const candidates = requested ? [requested] : BACKEND_NAMES;
  let info: BackendInfo | null = null;
  const reasons: string[] = [];
  for (const name of candidates) {
    try {
      info = await TRY[name](opts, requested != null);
    } catch (e) {
      reasons.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    if (info) break;
  }
  if (!info) {
    fail(
      `backend ${requested ?? "(auto)"} could not be initialised (${reasons.join("; ")}); ` +
        `pick another with --backend or CXR_BACKEND (${BACKEND_NAMES.join(", ")})`,
    );
  }
  registerGradientKernels(info.name);
  const flags = parseTfjsFlags(Deno.env.get("CXR_TFJS_FLAGS"));
  for (const [name, value] of Object.entries(flags)) {
    try {
      tf.env().set(name, value);
    } catch (e) {
      fail(
        `CXR_TFJS_FLAGS: ${e instanceof Error ? e.message : e} (backend ${info.name}); ` +
          `use a flag that backend registers, e.g. WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE=64 on webgpu`,
      );
    }
  }
  // Production mode: tfjs skips its debug checks and its "install tfjs-node" nag on cpu.
  tf.enableProdMode();
  current = info;
  const flagText = Object.entries(flags).map(([k, v]) => `${k}=${v}`).join(", ");
  const line = `backend: ${info.name} (${info.device})${
    flagText ? `, tfjs flags ${flagText}` : ""
  }`;
  if (!opts.quiet && line !== announced) {
    console.log(line);
    announced = line;
  }
  return info;
}

/** Parses a backend name (from a flag or `CXR_BACKEND`); undefined/empty gives undefined. */
export function parseBackendName(value: string | undefined): BackendName | undefined {
  if (value == null || value === "") return undefined;
  if ((BACKEND_NAMES as readonly string[]).includes(value)) return value as BackendName;
  fail(
    `unknown backend "${value}" (CXR_BACKEND or --backend); use one of ${BACKEND_NAMES.join(", ")}`,
  );
}

/**
 * Parses `CXR_TFJS_FLAGS`: a comma list of `NAME=VALUE` tfjs flags, e.g.
 * `WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE=64,WEBGPU_CPU_FORWARD=false`. Values `true`/`false` become
 * booleans and numbers numbers; anything else stays a string. Undefined/empty gives `{}`; an
 * item without `=` or a name that is not an upper-case flag name throws a CxrError.
 */
export function parseTfjsFlags(
  value: string | undefined,
): Record<string, number | boolean | string> {
  const flags: Record<string, number | boolean | string> = {};
  for (const item of (value ?? "").split(",").map((s) => s.trim()).filter((s) => s !== "")) {
    const m = item.match(/^([A-Z][A-Z0-9_]*)=(.*)$/);
    if (!m) {
      fail(
        `CXR_TFJS_FLAGS: "${item}" is not NAME=VALUE with an upper-case tfjs flag name; ` +
          `e.g. CXR_TFJS_FLAGS=WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE=64`,
      );
    }
    const raw = m[2].trim();
    flags[m[1]] = raw === "true"
      ? true
      : raw === "false"
      ? false
      : raw !== "" && Number.isFinite(Number(raw))
      ? Number(raw)
      : raw;
  }
  return flags;
}

type Try = (opts: InitBackendOptions, forced: boolean) => Promise<BackendInfo | null>;

const TRY: Record<BackendName, Try> = {
  async tensorflow() {
    const pkg = ["tfjs-node-gpu", "tfjs-node"].find((p) =>
      existsSync(join(TFJS_NODE_DIR, "node_modules", "@tensorflow", p, "package.json"))
    );
    if (!pkg) {
      throw new Error(
        `not installed (run \`deno task setup:gpu\` to install it in ${TFJS_NODE_DIR})`,
      );
    }
    // Its own tfjs-core copy registers into the same global engine and kernel registry.
    createRequire(join(TFJS_NODE_DIR, "package.json"))(`@tensorflow/${pkg}`);
    if (!(await tf.setBackend("tensorflow"))) throw new Error(`${pkg} failed to initialise`);
    return { name: "tensorflow", device: pkg };
  },

  async webgpu(_opts, forced) {
    const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
    if (!gpu) throw new Error("navigator.gpu is missing");
    ensureRuntimeDir();
    const adapter = await withTimeout(
      gpu.requestAdapter({ powerPreference: "high-performance" }),
      10_000,
    );
    if (!adapter) throw new Error("no WebGPU adapter");
    const adapterInfo = adapter.info as GPUAdapterInfo & { isFallbackAdapter?: boolean };
    const device = adapterInfo.description || adapterInfo.vendor || "unknown adapter";
    // A software rasteriser (lavapipe/llvmpipe, SwiftShader) is far slower than wasm.
    const software = adapterInfo.isFallbackAdapter === true ||
      /llvmpipe|lavapipe|swiftshader/i.test(device);
    if (software && !forced) throw new Error(`only a software adapter (${device})`);
    await import("@tensorflow/tfjs-backend-webgpu");
    if (!(await tf.setBackend("webgpu"))) {
      throw new Error("tfjs-backend-webgpu failed to initialise");
    }
    watchGpuErrors((tf.backend() as unknown as { device: GPUDevice }).device);
    return { name: "webgpu", device };
  },

  async wasm(opts) {
    const threads = Math.min(
      8,
      Math.max(1, opts.threads ?? envInt("CXR_THREADS") ?? navigator.hardwareConcurrency ?? 1),
    );
    if (tf.findBackend("wasm") == null && threads > 1) {
      tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", true);
      tfWasm.setThreadsCount(threads);
      const ok = await withWasmThreads(threads, () => tf.setBackend("wasm")).catch(() => false);
      if (!ok) {
        // Fall back to the single-threaded build rather than to the 20x slower cpu backend.
        tf.env().set("WASM_HAS_MULTITHREAD_SUPPORT", false);
        tfWasm.setThreadsCount(1);
      }
    }
    if (!(await tf.setBackend("wasm"))) throw new Error("tfjs-backend-wasm failed to initialise");
    const n = tfWasm.getThreadsCount();
    const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
    return {
      name: "wasm",
      device: `${simd ? "SIMD" : "no SIMD"}, ${n} thread${n === 1 ? "" : "s"}`,
    };
  },

  async cpu() {
    if (!(await tf.setBackend("cpu"))) throw new Error("tfjs-backend-cpu failed to initialise");
    return { name: "cpu", device: "pure JS" };
  },
};

const gpuErrors: string[] = [];

/**
 * WebGPU reports a dispatch it drops (e.g. a tensor larger than the adapter's
 * `maxStorageBufferBindingSize`, 128 MiB on lavapipe) only as an `uncapturederror` event, and
 * the results are then garbage. Every such error is recorded here and announced once.
 */
function watchGpuErrors(device: GPUDevice): void {
  device.addEventListener("uncapturederror", (e) => {
    const message = (e as GPUUncapturedErrorEvent).error.message.split("\n")[0];
    if (gpuErrors.length === 0) console.error(`webgpu error (results are invalid): ${message}`);
    gpuErrors.push(message);
  });
}

/**
 * Throws a CxrError if the WebGPU device reported an error since the last call (then the
 * computed values cannot be trusted); call it after each step or batch on the webgpu backend.
 * Does nothing on other backends.
 */
export function assertNoGpuErrors(): void {
  if (gpuErrors.length === 0) return;
  const first = gpuErrors[0];
  const n = gpuErrors.length;
  gpuErrors.length = 0;
  const limit = maxGpuBindingBytes();
  fail(
    `the GPU rejected ${n} operation(s) (first: ${first}); results are invalid. If a tensor ` +
      `exceeds the ${limit ? `${Math.floor(limit / 2 ** 20)} MiB ` : ""}storage-binding limit, ` +
      `lower --batch-size or --input-size, or use --backend wasm`,
  );
}

/** The active WebGPU device's `maxStorageBufferBindingSize` in bytes, else null. */
export function maxGpuBindingBytes(): number | null {
  if (tf.getBackend() !== "webgpu") return null;
  const device = (tf.backend() as unknown as { device?: GPUDevice }).device;
  return device?.limits.maxStorageBufferBindingSize ?? null;
}

/**
 * Whether this process can get a WebGPU adapter (a software one such as lavapipe counts), within
 * `timeoutMs`. For tests that need webgpu and are skipped without it (e.g. in CI without a
 * Vulkan driver); does not initialise the backend.
 */
export async function hasWebGpuAdapter(timeoutMs = 10_000): Promise<boolean> {
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) return false;
  ensureRuntimeDir();
  const adapter = await withTimeout(gpu.requestAdapter(), timeoutMs).catch(() => null);
  return adapter != null;
}

/** The Vulkan loader complains on every probe when XDG_RUNTIME_DIR is unset; give it one. */
function ensureRuntimeDir(): void {
  const dir = Deno.env.get("XDG_RUNTIME_DIR");
  if (dir && existsSync(dir)) return;
  const fresh = Deno.makeTempDirSync({ prefix: "cxr-xdg-" });
  Deno.chmodSync(fresh, 0o700);
  Deno.env.set("XDG_RUNTIME_DIR", fresh);
}

function envInt(name: string): number | undefined {
  const v = Deno.env.get(name);
  if (v == null || v === "") return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) {
    fail(`${name}=${v} is not a positive integer; unset it or set e.g. ${name}=2`);
  }
  return n;
}

async function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
