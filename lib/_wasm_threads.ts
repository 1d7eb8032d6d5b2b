/**
 * Multi-threaded tfjs wasm under Deno (private helper of `lib/backend.ts`).
 *
 * tfjs-backend-wasm 4.22 ships a threaded SIMD build but switches it off under Deno, which it
 * takes for Node, and forcing it on fails in three places, each patched here only while the
 * backend initialises:
 * 1. Emscripten hands its pthread workers a `blob:` URL, which Deno's `node:worker_threads`
 *    rejects. We write the worker script (and the factory it loads) to temp `.cjs` files and
 *    hand out their paths instead, via `Blob`/`URL.createObjectURL` stand-ins.
 * 2. tfjs caps its thread pool at half the logical core count (it assumes hyper-threading),
 *    read from `os.cpus()`; we report twice the wanted thread count there.
 * 3. The Node-mode factory overwrites `globalThis.Worker` with the Node class, and its workers
 *    keep the process alive forever. We keep the web `Worker` in place and `unref()` the
 *    workers once the pool is up.
 * 4. About one start in four, one of the 8 workers Emscripten starts at once never runs its
 *    script (a Deno worker start-up race), and initialisation waits forever. Each worker is
 *    watched: one that has not said it started within a few seconds is replaced.
 *
 * @module
 */
import os from "node:os";
import wt from "node:worker_threads";
import { join } from "node:path";

/**
 * Names the 4.22 Node bundle gives its `require`d modules inside the threaded factory, and
 * esbuild's `__require`, which the factory calls once `deno bundle` has bundled it (the offline
 * GPU bundle, `tools/gpu_bundle/build.ts`).
 */
const FACTORY_GLOBALS = 'var require$$0 = require("fs"), require$$1 = require("path"), ' +
  'require$$3 = require("perf_hooks"), require$$4 = require("os"), commonjsGlobal = globalThis, ' +
  "__require = require;\n";
const FACTORY_PREFIX = "var WasmBackendModuleThreadedSimd";
const WORKER_ASSIGN = "Object.assign(global,";

/**
 * Runs `init` (which must initialise the wasm backend) with the patches above in place and
 * restores every patched global afterwards, whether `init` succeeds or not.
 */
export async function withWasmThreads<T>(threads: number, init: () => Promise<T>): Promise<T> {
  const dir = Deno.makeTempDirSync({ prefix: "cxr-wasm-threads-" });
  const factoryPath = join(dir, "factory.cjs");
  const workerPath = join(dir, "worker.cjs");
  const OrigBlob = globalThis.Blob;
  const origCreateObjectURL = URL.createObjectURL;
  const origCpus = os.cpus;
  const workerDescriptor = Object.getOwnPropertyDescriptor(globalThis, "Worker");
  const texts = new WeakMap<Blob, string>();

  function PatchedBlob(parts: BlobPart[], options?: BlobPropertyBag): Blob | { factory: string } {
    const text = parts.every((p) => typeof p === "string") ? parts.join("") : null;
    if (text?.startsWith(FACTORY_PREFIX)) {
      Deno.writeTextFileSync(factoryPath, FACTORY_GLOBALS + text);
      // Posted to the workers as `urlOrBlob`; a plain object survives the structured clone.
      return { factory: factoryPath };
    }
    const blob = new OrigBlob(parts, options);
    if (text != null) texts.set(blob, text);
    return blob;
  }
  const workers: WatchedWorker[] = [];
  class TrackedWorker extends WatchedWorker {
    constructor(path: string | URL, options?: wt.WorkerOptions) {
      super(path, options);
      workers.push(this);
    }
  }
  const workerShim = [
    `require("worker_threads").parentPort.postMessage(${JSON.stringify(STARTED)});`,
    // The factory arrives as the plain object above; point the worker's loader at its file.
    `URL.createObjectURL = () => ${JSON.stringify(factoryPath)}; URL.revokeObjectURL = () => {};`,
    // Deno's worker global has getter-only properties (`location`) that Object.assign rejects.
    "const __cxrAssign = (t, s) => { for (const k of Object.keys(s)) { try { " +
    "Object.defineProperty(t, k, { value: s[k], writable: true, configurable: true }); " +
    "} catch { /* keep Deno's own */ } } return t; };",
    "",
  ].join("\n");

  // deno-lint-ignore no-explicit-any
  (globalThis as any).Blob = PatchedBlob;
  URL.createObjectURL = (obj: Blob) => {
    const text = obj instanceof OrigBlob ? texts.get(obj) : undefined;
    if (text == null || !text.includes(WORKER_ASSIGN)) return origCreateObjectURL(obj);
    Deno.writeTextFileSync(
      workerPath,
      workerShim + text.replace(WORKER_ASSIGN, "__cxrAssign(global,"),
    );
    return workerPath;
  };
  const cpu = origCpus()[0];
  os.cpus = () => Array.from({ length: 2 * threads }, () => cpu);
  Object.defineProperty(globalThis, "Worker", {
    get: () => TrackedWorker,
    set: () => {},
    configurable: true,
  });
  // Deno may see no pending work while the workers start and report back; hold the loop open.
  const keepAlive = setInterval(() => {}, 1000);
  try {
    return await init();
  } finally {
    clearInterval(keepAlive);
    globalThis.Blob = OrigBlob;
    URL.createObjectURL = origCreateObjectURL;
    os.cpus = origCpus;
    if (workerDescriptor) Object.defineProperty(globalThis, "Worker", workerDescriptor);
    for (const w of workers) w.unref();
    // The workers have read both files by the time the pool is up.
    Deno.removeSync(dir, { recursive: true });
  }
}

/** The message the worker shim posts first; never forwarded to Emscripten. */
const STARTED = "cxr-worker-started";
const START_TIMEOUT_MS = 5000;

type Listener = (...args: unknown[]) => void;

/**
 * The part of a Node `Worker` Emscripten uses, backed by a real worker that is replaced when
 * it does not start in time. Messages posted before the start are queued and replayed.
 */
class WatchedWorker {
  #path: string | URL;
  #options?: wt.WorkerOptions;
  #inner!: wt.Worker;
  #started = false;
  #queue: unknown[] = [];
  #listeners: [string, Listener][] = [];
  #timer?: ReturnType<typeof setTimeout>;

  constructor(path: string | URL, options?: wt.WorkerOptions) {
    this.#path = path;
    this.#options = options;
    this.#spawn();
  }

  #spawn(): void {
    const inner = new wt.Worker(this.#path, this.#options);
    this.#inner = inner;
    inner.on("message", (m: unknown) => {
      if (inner !== this.#inner) return;
      if (m === STARTED) {
        this.#started = true;
        clearTimeout(this.#timer);
        for (const q of this.#queue.splice(0)) inner.postMessage(q);
        return;
      }
      this.#emit("message", m);
    });
    for (const event of ["error", "exit", "messageerror"]) {
      inner.on(event, (...args: unknown[]) => {
        if (inner === this.#inner) this.#emit(event, ...args);
      });
    }
    this.#timer = setTimeout(() => {
      if (this.#started) return;
      inner.terminate().catch(() => {});
      this.#spawn();
    }, START_TIMEOUT_MS);
  }

  #emit(event: string, ...args: unknown[]): void {
    for (const [e, f] of this.#listeners) if (e === event) f(...args);
  }

  on(event: string, f: Listener): this {
    this.#listeners.push([event, f]);
    return this;
  }

  postMessage(message: unknown): void {
    if (this.#started) this.#inner.postMessage(message);
    else this.#queue.push(message);
  }

  terminate(): Promise<number> {
    clearTimeout(this.#timer);
    return this.#inner.terminate();
  }

  ref(): void {
    this.#inner.ref();
  }

  unref(): void {
    this.#inner.unref();
  }
}
