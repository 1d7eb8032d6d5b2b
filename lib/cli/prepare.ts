/**
 * `deno task cxr prepare [--data DIR] [--size 224] [--cache DIR]`: decode, resize and cache
 * every image of a dataset (a rerun decodes only what is missing).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { CxrError } from "../errors.ts";
import { cacheFolder, prepareCache, type ResizeKernel, scanDataset } from "../data/mod.ts";
import { cacheDir, dataRoot } from "../paths.ts";
import { describeScan } from "./manifest.ts";

const HELP =
  `usage: deno task cxr prepare [--data DIR] [--size 224] [--cache DIR] [--kernel lanczos3]

Decodes every image (ignoring embedded ICC profiles), converts it to grayscale, resizes it to
SIZE x SIZE (fit: fill) and stores it as uint8 in an on-disk cache keyed by content hash.
Undecodable files are listed in <cache>/<dataset>/<size>/skipped.csv.

  --data DIR     dataset root (default: $CXR_DATA_DIR, else data/chest_xray)
  --size N       image side in pixels (default 224)
  --cache DIR    cache root (default: $CXR_CACHE_DIR, else outputs/cache)
  --kernel K     resize kernel: nearest, linear, cubic, mitchell, lanczos2, lanczos3 (default)
  --concurrency N  decodes in flight (default 4)
`;

const KERNELS: readonly ResizeKernel[] = [
  "nearest",
  "linear",
  "cubic",
  "mitchell",
  "lanczos2",
  "lanczos3",
];

function positiveInt(flag: string, text: string, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > max) {
    throw new CxrError(`--${flag} '${text}' must be an integer from 1 to ${max}`, { exitCode: 2 });
  }
  return n;
}

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      data: { type: "string" },
      size: { type: "string", default: "224" },
      cache: { type: "string" },
      kernel: { type: "string", default: "lanczos3" },
      concurrency: { type: "string", default: "4" },
      help: { type: "boolean" },
    },
    strict: true,
  });
  if (values.help) return void console.log(HELP);
  const size = positiveInt("size", values.size, 4096);
  const concurrency = positiveInt("concurrency", values.concurrency, 64);
  const kernel = values.kernel as ResizeKernel;
  if (!KERNELS.includes(kernel)) {
    throw new CxrError(`--kernel '${values.kernel}' must be one of ${KERNELS.join(", ")}`, {
      exitCode: 2,
    });
  }
  const root = dataRoot(values.data);
  const cache = cacheDir(values.cache);
  const start = performance.now();
  const scan = await scanDataset(root);
  console.log(describeScan(scan));
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  Deno.addSignalListener("SIGINT", onSignal);
  try {
    const images = await prepareCache({
      dataRoot: root,
      size,
      cacheDir: cache,
      rows: scan.rows,
      skipped: scan.skipped,
      kernel,
      concurrency,
      signal: controller.signal,
    });
    const secs = ((performance.now() - start) / 1000).toFixed(1);
    const dir = cacheFolder({ dataRoot: root, size, cacheDir: cache });
    console.log(
      `${images.count} images cached at ${size}x${size} in ${dir} (${secs} s); ` +
        `${images.failed.size} undecodable, ${scan.skipped.length} skipped by the scan (see skipped.csv)`,
    );
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
  }
}
