/**
 * `deno task bench:bundle`: builds `.gpu-bundle/`, an offline bundle to benchmark on a GPU
 * machine without internet (no Deno, no npm registry, perhaps no Vulkan loader). Copy the folder
 * there and run `bash .gpu-bundle/run.sh`; it needs bash, coreutils and either `xz` or python3.
 *
 * - `deno.xz`: this Deno binary, xz-compressed (reused while the binary is unchanged);
 * - `bench.js.xz`, `kernel_profile.js.xz`: `lib/bench/main.ts` and `lib/bench/kernel_profile.ts`
 *   bundled by `deno bundle` so they run with no `node_modules`. An import map swaps in two
 *   stand-ins: `_sharp_stub.ts` for `sharp` (a native addon; only the `prepare` row and image
 *   decoding use it, and the GPU run skips them) and `_wasm_paths.ts`, which points
 *   tfjs-backend-wasm (the fallback backend) at the `.wasm` files copied beside the bundle;
 * - the three tfjs-backend-wasm `.wasm` files and `torch_bench.py` (the bench finds it beside
 *   itself; `run.sh` also runs it alone on CUDA when PyTorch is installed there);
 * - `gl/*.deb`: the Vulkan loader and GL dispatch libraries, from `.gl/` in the workspace
 *   (downloaded there with apt-get when missing);
 * - `adapter.js` (prints the WebGPU adapter), `bundle.json` (commit, Deno version, sizes) and
 *   `run.sh` ({@linkcode runScript}).
 *
 * `BUNDLE_DRY_RUN=1 bash .gpu-bundle/run.sh` runs the same steps at 64 px batch 2 with one
 * repeat, writes to `/tmp/gpu-bench-dry-run`, and leaves `/` alone (the debs are unpacked to a
 * scratch folder): a check on any machine before copying the bundle.
 *
 * ```sh
 * deno task bench:bundle && BUNDLE_DRY_RUN=1 env -i PATH=/usr/bin:/bin bash .gpu-bundle/run.sh
 * ```
 *
 * @module
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { CxrError } from "../../lib/errors.ts";
import { WORKSPACE_ROOT } from "../../lib/paths.ts";

/** A bundle problem: `file` is what is missing or wrong, the message ends with the fix. */
export class GpuBundleError extends CxrError {
  /** The file or folder the problem is about. */
  readonly file: string;
  constructor(file: string, problem: string, fix: string, cause?: unknown) {
    super(`${file}: ${problem}; ${fix}`, { cause });
    this.name = "GpuBundleError";
    this.file = file;
  }
}

/** The bundle folder, relative to the workspace root (git-ignored). */
export const BUNDLE_DIR = ".gpu-bundle";

/**
 * A bundle larger than this holds something it should not (it is about 33 MiB: the compressed
 * Deno binary is most of it); the build stops rather than produce it.
 */
export const MAX_BUNDLE_BYTES: number = 60 * 2 ** 20;

/** Where `run.sh` writes its results when `OUT` is not set (relative to where it is started). */
export const DEFAULT_OUT = "gpu-bench-results";

/**
 * Seconds `run.sh` allows itself for everything (unpacking and all steps): it stops itself
 * within 8 minutes, so a short booking of a GPU machine suffices.
 */
export const RUN_BUDGET_S = 480;

/** Seconds set aside for unpacking Deno, the bundles and the debs before the first step. */
export const SETUP_BUDGET_S = 40;

/**
 * The Debian packages brought for the Vulkan loader: a minimal GPU container often has the
 * NVIDIA driver but neither libvulkan nor the GL dispatch libraries.
 */
export const GL_PACKAGES: readonly string[] = [
  "libvulkan1",
  "libegl1",
  "libglvnd0",
  "libopengl0",
  "libgl1",
  "libglx0",
  "libgles2",
];

/** `WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE` of the second profile (tfjs' default is 15). */
export const RAISED_SUBMIT_BATCH = 64;

/**
 * One step of `run.sh`: a bash command run under `timeout` with its budget (cut to what is left
 * of {@linkcode RUN_BUDGET_S}). Commands may use `$DENO`, `$K` (the unpacked bundle), `$OUT`,
 * `$BACKEND`, `$SIZE`, `$BATCH`, `$FULL_BATCH`, `$REPEATS`, `$STEPS` and `$CXR_PYTHON`. A step
 * named {@linkcode ADAPTER_STEP} that fails switches the later ones to the wasm backend.
 */
export interface BundleStep {
  name: string;
  budgetS: number;
  command: string;
}

/** The step that probes the WebGPU adapter (see {@linkcode BundleStep}). */
export const ADAPTER_STEP = "webgpu adapter";

const RUN = '"$DENO" run -A --no-config';

/**
 * PyTorch on the GPU (CUDA) for `rows` at batch `batchVar`, by `torch_bench.py` alone (the bench
 * measures PyTorch on CPU threads): its JSON goes to `$OUT/torch-cuda-<rows>.json`.
 */
function torchCudaStep(rows: string, batchVar: string): BundleStep {
  const file = `"$OUT/torch-cuda-${rows.replaceAll(",", "-")}.json"`;
  const json = `{"size":%s,"batch":%s,"warmup":1,"repeats":%s,"rows":[${
    rows.split(",").map((r) => `"${r}"`).join(",")
  }],"files":[],"threads":%s,"device":"cuda"}`;
  return {
    name: `pytorch cuda ${rows}`,
    budgetS: 30,
    command: `"$CXR_PYTHON" "$K/torch_bench.py" "$(printf '${json}' "$SIZE" "${batchVar}" ` +
      `"$REPEATS" "$(nproc)")" > ${file} && cat ${file} || { rm -f ${file}; exit 1; }`,
  };
}

/** The steps of the GPU run, in order. */
export const BUNDLE_STEPS: readonly BundleStep[] = [
  {
    name: "nvidia-smi",
    budgetS: 15,
    command:
      "nvidia-smi -L && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv",
  },
  { name: ADAPTER_STEP, budgetS: 20, command: `${RUN} "$K/adapter.js"` },
  {
    name: "pytorch",
    budgetS: 20,
    command: `"$CXR_PYTHON" -c 'import torch, torchvision; ` +
      `print("torch", torch.__version__, "torchvision", torchvision.__version__, ` +
      `"threads", torch.get_num_threads(), "cuda", torch.cuda.is_available())'`,
  },
  {
    name: "bench inference,stage1,stage2",
    budgetS: 150,
    command: `${RUN} "$K/bench.js" --backend "$BACKEND" --size "$SIZE" --batch "$BATCH" ` +
      `--repeats "$REPEATS" --rows inference,stage1,stage2 --out "$OUT"`,
  },
  {
    name: "bench full",
    budgetS: 90,
    command: `${RUN} "$K/bench.js" --backend "$BACKEND" --size "$SIZE" --batch "$FULL_BATCH" ` +
      `--repeats "$REPEATS" --rows full --out "$OUT"`,
  },
  torchCudaStep("inference,stage1,stage2", "$BATCH"),
  torchCudaStep("full", "$FULL_BATCH"),
  {
    name: "kernel_profile full",
    budgetS: 40,
    command: `${RUN} "$K/kernel_profile.js" --backend "$BACKEND" --size "$SIZE" ` +
      `--batch "$FULL_BATCH" --row full --steps "$STEPS" --top 30`,
  },
  {
    name: `kernel_profile full, WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE=${RAISED_SUBMIT_BATCH}`,
    budgetS: 40,
    // A webgpu flag: without an adapter (wasm fallback) there is nothing to compare.
    command: `if [ "$BACKEND" != webgpu ]; then echo "skipped: webgpu only"; exit 0; fi; ` +
      `CXR_TFJS_FLAGS=WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE=${RAISED_SUBMIT_BATCH} ` +
      `${RUN} "$K/kernel_profile.js" --backend "$BACKEND" --size "$SIZE" ` +
      `--batch "$FULL_BATCH" --row full --steps "$STEPS" --top 30`,
  },
];

/** Prints the WebGPU adapter the way the bench will ask for it (plain JS, run by `run.sh`). */
export const ADAPTER_JS = `const gpu = navigator.gpu;
if (!gpu) {
  console.log("adapter: navigator.gpu is missing");
  Deno.exit(1);
}
const a = await gpu.requestAdapter({ powerPreference: "high-performance" });
if (!a) {
  console.log("adapter: none (no Vulkan driver: see the VK_DRIVER_FILES and icd.d lines above)");
  Deno.exit(1);
}
const i = a.info;
console.log("adapter: " + JSON.stringify({
  vendor: i.vendor,
  architecture: i.architecture,
  device: i.device,
  description: i.description,
  isFallbackAdapter: a.isFallbackAdapter ?? i.isFallbackAdapter,
  maxStorageBufferBindingSize: a.limits.maxStorageBufferBindingSize,
  maxBufferSize: a.limits.maxBufferSize,
  maxComputeWorkgroupStorageSize: a.limits.maxComputeWorkgroupStorageSize,
  features: [...a.features].sort(),
}));
`;

/** Python: unpacks a .deb (ar archive holding data.tar.*) where `dpkg` is missing. */
const PY_UNDEB = `import io, sys, tarfile
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"!<arch>\\n", "not a .deb"
pos = 8
while pos < len(data):
    name, size = data[pos:pos + 16].decode().strip(), int(data[pos + 48:pos + 58])
    pos += 60
    if name.startswith("data.tar"):
        t = tarfile.open(fileobj=io.BytesIO(data[pos:pos + size]))
        kw = {"filter": "tar"} if hasattr(tarfile, "tar_filter") else {}
        t.extractall(sys.argv[2], **kw)
    pos += size + (size & 1)`;

/** Python: decompresses an .xz file where `xz` is missing. */
const PY_UNXZ =
  `import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))`;

/**
 * The text of `run.sh`: unpack the debs (to `/`, then ldconfig; so run it as root, or in a
 * container), set the Vulkan environment and a fresh 0700 `XDG_RUNTIME_DIR`, unpack Deno and the
 * bundles to /tmp, find a python3 that imports torch, then run {@linkcode BUNDLE_STEPS} each
 * under `timeout`, everything tee'd to `$OUT/gpu-bench.log`; the bench writes its JSON and
 * markdown into `$OUT` (default {@linkcode DEFAULT_OUT}).
 */
export function runScript(steps: readonly BundleStep[] = BUNDLE_STEPS): string {
  const stepLines = steps.map((s) =>
    `step ${shellQuote(s.name)} ${s.budgetS} ${shellQuote(s.command)}`
  );
  return `#!/usr/bin/env bash
# Generated by \`deno task bench:bundle\` (tools/gpu_bundle/build.ts); do not edit, rebuild it.
# On the GPU machine: [OUT=DIR] bash ${BUNDLE_DIR}/run.sh (results in DIR, default ./${DEFAULT_OUT}).
# Check on any machine first: BUNDLE_DRY_RUN=1 bash ${BUNDLE_DIR}/run.sh
set -u
SRC="$(cd "$(dirname "\${BASH_SOURCE[0]}")" && pwd)"
BUDGET_S=${RUN_BUDGET_S}
if [ "\${BUNDLE_DRY_RUN:-0}" = 1 ]; then
  SIZE=64 BATCH=2 FULL_BATCH=2 REPEATS=1 STEPS=1 GL_ROOT=/tmp/gpu-bundle-gl-root
  OUT="\${OUT:-/tmp/gpu-bench-dry-run}"
else
  SIZE=224 BATCH=32 FULL_BATCH=8 REPEATS=5 STEPS=3 GL_ROOT=/
  OUT="\${OUT:-$PWD/${DEFAULT_OUT}}"
fi
mkdir -p "$OUT" && OUT="$(cd "$OUT" && pwd)"
for f in deno.xz bench.js.xz bundle.json; do
  if [ ! -f "$SRC/$f" ]; then
    echo "run.sh: $SRC/$f is missing; copy the whole ${BUNDLE_DIR} folder (deno task bench:bundle builds it)" >&2
    exit 2
  fi
done
BACKEND="\${BUNDLE_BACKEND:-webgpu}"
export OUT SIZE BATCH FULL_BATCH REPEATS STEPS BACKEND
export NO_COLOR=1 DENO_NO_UPDATE_CHECK=1

unxz_to() { # FILE.xz DEST
  if command -v xz >/dev/null; then xz -dc "$1" > "$2"; else python3 -c '${PY_UNXZ}' "$1" "$2"; fi
}

step() { # NAME BUDGET_S COMMAND: runs COMMAND under timeout, cut to what is left of BUDGET_S
  local left=$((BUDGET_S - SECONDS - 5)) t=$2
  [ "$t" -gt "$left" ] && t=$left
  echo
  echo "=== $1 (limit \${t} s, \${SECONDS} s elapsed) ==="
  if [ "$t" -lt 5 ]; then echo "skipped: the time budget is spent"; return; fi
  local t0=$SECONDS
  timeout -k 10 "$t" bash -c "$3"
  local rc=$?
  [ $rc = 124 ] && echo "timed out after \${t} s"
  echo "=== $1: exit $rc, $((SECONDS - t0)) s ==="
  if [ "$1" = ${shellQuote(ADAPTER_STEP)} ] && [ $rc != 0 ] && [ "$BACKEND" = webgpu ]; then
    BACKEND=wasm
    echo "no WebGPU adapter: the remaining steps run on the wasm backend (CPU)"
  fi
}

main() {
  echo "gpu bench run: $(date -u +%FT%TZ), dry run: \${BUNDLE_DRY_RUN:-0}, $(uname -srm), $(nproc) cores"
  cat "$SRC/bundle.json"
  K=$(mktemp -d /tmp/gpu-bench-run.XXXXXX)
  export K
  unxz_to "$SRC/deno.xz" "$K/deno" && chmod +x "$K/deno"
  for f in bench kernel_profile; do unxz_to "$SRC/$f.js.xz" "$K/$f.js"; done
  cp "$SRC"/*.wasm "$SRC/torch_bench.py" "$SRC/adapter.js" "$K/"
  export DENO="$K/deno" DENO_DIR="$K/deno-dir"
  "$DENO" --version | head -1

  mkdir -p "$GL_ROOT"
  for f in "$SRC"/gl/*.deb; do
    if command -v dpkg >/dev/null; then dpkg -x "$f" "$GL_ROOT"; else python3 -c '${PY_UNDEB}' "$f" "$GL_ROOT"; fi
  done
  # Debian's library folder, for a machine whose ld.so does not search it (searched last).
  [ "$GL_ROOT" = / ] && export LD_LIBRARY_PATH="\${LD_LIBRARY_PATH:+$LD_LIBRARY_PATH:}/usr/lib/x86_64-linux-gnu"
  if [ "$GL_ROOT" = / ]; then ldconfig; else ls "$GL_ROOT"/usr/lib/x86_64-linux-gnu/libvulkan.so.1; fi
  local icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  if [ -z "\${VK_DRIVER_FILES:-}\${VK_ICD_FILENAMES:-}" ] && [ -f "$icd" ] &&
    ! ls /usr/share/vulkan/icd.d/nvidia*.json /etc/vulkan/icd.d/nvidia*.json >/dev/null 2>&1; then
    export VK_DRIVER_FILES="$icd"
  fi
  echo "VK_DRIVER_FILES=\${VK_DRIVER_FILES:-}; icd.d: $(ls /usr/share/vulkan/icd.d /etc/vulkan/icd.d /usr/local/nvidia/share/vulkan/icd.d 2>/dev/null | tr '\\n' ' ')"
  XDG_RUNTIME_DIR=$(mktemp -d /tmp/gpu-bench-xdg.XXXXXX) && chmod 700 "$XDG_RUNTIME_DIR"
  export XDG_RUNTIME_DIR

  if [ -z "\${CXR_PYTHON:-}" ]; then
    for p in "$(command -v python3)" /usr/bin/python3 /usr/local/bin/python3 /opt/conda/bin/python3; do
      if [ -x "$p" ] && "$p" -c 'import torch' 2>/dev/null; then CXR_PYTHON=$p; break; fi
    done
  fi
  export CXR_PYTHON="\${CXR_PYTHON:-python3}"
  echo "python: $CXR_PYTHON; backend $BACKEND, size $SIZE, batch $BATCH (full: $FULL_BATCH), repeats $REPEATS; setup took \${SECONDS} s"
  cd "$K" || return 1

${stepLines.map((l) => "  " + l).join("\n")}

  cd / && rm -rf "$K" "$XDG_RUNTIME_DIR"
  [ "$GL_ROOT" = / ] || rm -rf "$GL_ROOT"
  echo
  echo "gpu bench run done in \${SECONDS} s; files in $OUT:"
  ls -la "$OUT"
}

main 2>&1 | tee "$OUT/gpu-bench.log"
exit "\${PIPESTATUS[0]}"
`;
}

/** `s` single-quoted for bash. */
export function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'\\''`)}'`;
}

/**
 * The import map the bundles are built with: the workspace's own imports, with `sharp` and
 * `@tensorflow/tfjs-backend-wasm` pointed at the stand-ins, and the wasm stand-in's own import
 * of the package scoped back to the real one.
 */
export function bundleImportMap(
  imports: Record<string, string>,
  toolDir: URL = new URL("./", import.meta.url),
): { imports: Record<string, string>; scopes: Record<string, Record<string, string>> } {
  const wasm = "@tensorflow/tfjs-backend-wasm";
  const real = imports[wasm];
  if (!real) {
    throw new GpuBundleError("deno.json", `no "${wasm}" import`, `add it to "imports"`);
  }
  const stub = new URL("_sharp_stub.ts", toolDir).href;
  const paths = new URL("_wasm_paths.ts", toolDir).href;
  return {
    imports: { ...imports, sharp: stub, [wasm]: paths },
    scopes: { [paths]: { [wasm]: real } },
  };
}

/** Sizes of the files in `dir` and its subfolders (the bundle is one folder plus `gl/`). */
function folderBytes(dir: string): Map<string, number> {
  const sizes = new Map<string, number>();
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) {
      for (const [k, v] of folderBytes(p)) sizes.set(join(e.name, k), v);
    } else sizes.set(e.name, statSync(p).size);
  }
  return sizes;
}

async function run(cmd: string, args: string[], file: string, fix: string): Promise<string> {
  let out: Deno.CommandOutput;
  try {
    out = await new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped" }).output();
  } catch (e) {
    throw new GpuBundleError(file, `${cmd} could not be started`, fix, e);
  }
  const text = new TextDecoder().decode(out.stdout);
  if (!out.success) {
    const err = new TextDecoder().decode(out.stderr).trim().split("\n").slice(-3).join(" | ");
    throw new GpuBundleError(file, `${basename(cmd)} ${args[0]} failed (${err})`, fix);
  }
  return text;
}

async function xz(src: string, dest: string): Promise<void> {
  const file = await Deno.open(dest, { write: true, create: true, truncate: true });
  let status: Deno.CommandStatus;
  try {
    const child = new Deno.Command("xz", {
      args: ["-T0", "-6", "-c", src],
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    await child.stdout.pipeTo(file.writable);
    status = await child.status;
  } catch (e) {
    throw new GpuBundleError(dest, "xz failed to run", "install xz (apt-get install xz-utils)", e);
  }
  if (!status.success) {
    throw new GpuBundleError(dest, `xz exited with ${status.code}`, "check the disk space");
  }
}

/** Where the bundle's .deb files come from, downloaded with apt-get when missing. */
async function glDebs(root: string): Promise<string[]> {
  const dir = join(root, ".gl");
  const have = () =>
    existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".deb")).sort() : [];
  const missing = () => GL_PACKAGES.filter((p) => !have().some((f) => f.startsWith(`${p}_`)));
  if (missing().length > 0) {
    const lists = await Deno.makeTempDir({ prefix: "gpu-bundle-apt-" });
    await Deno.mkdir(join(lists, "partial"), { recursive: true });
    await Deno.mkdir(dir, { recursive: true });
    const o = [
      "-oAPT::Architecture=amd64",
      "-oAPT::Architectures=amd64",
      `-oDir::State::Lists=${lists}`,
    ];
    const fix = `download them by hand into ${dir} (apt-get download ${GL_PACKAGES.join(" ")})`;
    await run("apt-get", [...o, "update"], dir, fix);
    const prev = Deno.cwd();
    Deno.chdir(dir);
    try {
      await run("apt-get", [...o, "download", ...missing()], dir, fix);
    } finally {
      Deno.chdir(prev);
      await Deno.remove(lists, { recursive: true });
    }
    if (missing().length > 0) {
      throw new GpuBundleError(dir, `still missing ${missing().join(", ")}`, fix);
    }
  }
  return have().filter((f) => GL_PACKAGES.some((p) => f.startsWith(`${p}_`)))
    .map((f) => join(dir, f));
}

/** What {@linkcode buildBundle} made. */
export interface BundleSummary {
  dir: string;
  /** File (relative to `dir`) -> bytes. */
  files: Map<string, number>;
  bytes: number;
  denoReused: boolean;
}

/** Builds the bundle in `<root>/.gpu-bundle` (see the module doc); throws GpuBundleError. */
export async function buildBundle(root: string = WORKSPACE_ROOT): Promise<BundleSummary> {
  const dir = join(root, BUNDLE_DIR);
  await Deno.mkdir(join(dir, "gl"), { recursive: true });
  // Everything but the compressed Deno binary is rebuilt.
  for (const f of readdirSync(dir)) {
    if (f !== "deno.xz" && f !== "deno.xz.stamp") {
      await Deno.remove(join(dir, f), { recursive: true });
    }
  }
  await Deno.mkdir(join(dir, "gl"), { recursive: true });

  const exe = Deno.execPath();
  const st = statSync(exe);
  const stamp = `deno ${Deno.version.deno} ${exe} ${st.size} ${st.mtimeMs}`;
  const stampFile = join(dir, "deno.xz.stamp");
  const denoReused = existsSync(join(dir, "deno.xz")) && existsSync(stampFile) &&
    Deno.readTextFileSync(stampFile) === stamp;
  if (!denoReused) {
    console.log(`compressing ${exe} (${(st.size / 2 ** 20).toFixed(1)} MiB) ...`);
    await xz(exe, join(dir, "deno.xz"));
    await Deno.writeTextFile(stampFile, stamp);
  }

  const config = JSON.parse(await Deno.readTextFile(join(root, "deno.json"))) as {
    imports: Record<string, string>;
  };
  const tmp = await Deno.makeTempDir({ prefix: "gpu-bundle-" });
  try {
    const mapFile = join(tmp, "import_map.json");
    await Deno.writeTextFile(mapFile, JSON.stringify(bundleImportMap(config.imports), null, 1));
    for (const name of ["main", "kernel_profile"]) {
      const entry = join(root, "lib", "bench", `${name}.ts`);
      const js = join(tmp, `${name === "main" ? "bench" : name}.js`);
      await run(
        exe,
        [
          "bundle",
          "--config",
          join(root, "deno.json"),
          "--platform",
          "deno",
          "--import-map",
          mapFile,
          "-o",
          js,
          entry,
        ],
        entry,
        "fix the error above (`deno check` the entry), then rerun `deno task bench:bundle`",
      );
      await xz(js, join(dir, `${basename(js)}.xz`));
    }
  } finally {
    await Deno.remove(tmp, { recursive: true });
  }

  const wasmDir = join(root, "node_modules", "@tensorflow", "tfjs-backend-wasm", "dist");
  const wasm = existsSync(wasmDir) ? readdirSync(wasmDir).filter((f) => f.endsWith(".wasm")) : [];
  if (wasm.length < 3) {
    throw new GpuBundleError(
      wasmDir,
      `expected the 3 tfjs-backend-wasm .wasm files, found ${wasm.length}`,
      "run `deno install` in the workspace",
    );
  }
  for (const f of wasm) await Deno.copyFile(join(wasmDir, f), join(dir, f));
  await Deno.copyFile(join(root, "lib", "bench", "torch_bench.py"), join(dir, "torch_bench.py"));
  for (const deb of await glDebs(root)) await Deno.copyFile(deb, join(dir, "gl", basename(deb)));
  await Deno.writeTextFile(join(dir, "adapter.js"), ADAPTER_JS);
  await Deno.writeTextFile(join(dir, "run.sh"), runScript(), { mode: 0o755 });

  const commit = await run("git", ["-C", root, "rev-parse", "HEAD"], root, "run it in a git clone")
    .then((s) => s.trim());
  const dirty =
    (await run("git", ["-C", root, "status", "--porcelain", "--", "lib", "tools"], root, ""))
      .trim() !== "";
  const files = folderBytes(dir);
  files.delete("deno.xz.stamp");
  const bundleJson = {
    built: new Date().toISOString(),
    commit: commit + (dirty ? " (uncommitted changes in lib/ or tools/)" : ""),
    deno: Deno.version.deno,
    files: Object.fromEntries(files),
  };
  await Deno.writeTextFile(join(dir, "bundle.json"), JSON.stringify(bundleJson, null, 1) + "\n");
  files.set("bundle.json", statSync(join(dir, "bundle.json")).size);
  const bytes = [...files.values()].reduce((a, b) => a + b, 0);
  if (bytes > MAX_BUNDLE_BYTES) {
    const biggest = [...files].sort((a, b) => b[1] - a[1])[0];
    throw new GpuBundleError(
      dir,
      `the bundle is ${(bytes / 2 ** 20).toFixed(1)} MiB, over ${MAX_BUNDLE_BYTES / 2 ** 20} MiB ` +
        `(largest: ${biggest[0]}, ${(biggest[1] / 2 ** 20).toFixed(1)} MiB)`,
      "leave out what the GPU run does not need, or compress it",
    );
  }
  return { dir, files, bytes, denoReused };
}

if (import.meta.main) {
  try {
    const bundle = await buildBundle();
    const mib = (n: number) => `${(n / 2 ** 20).toFixed(2)} MiB`;
    for (const [f, n] of [...bundle.files].sort()) console.log(`  ${f.padEnd(44)} ${mib(n)}`);
    console.log(
      `gpu bundle: ${bundle.dir} ${mib(bundle.bytes)} (deno.xz ${
        bundle.denoReused ? "reused" : "rebuilt"
      })`,
    );
    console.log(
      `copy ${BUNDLE_DIR}/ to the GPU machine and run: bash ${BUNDLE_DIR}/run.sh ` +
        `(results in ./${DEFAULT_OUT}; BUNDLE_DRY_RUN=1 checks it here first)`,
    );
  } catch (e) {
    if (!(e instanceof CxrError)) throw e;
    console.error(`error: ${e.message}`);
    Deno.exit(e.exitCode);
  }
}
