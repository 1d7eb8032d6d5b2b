/**
 * `deno task cxr augment-preview --data DIR --out FILE.png`: a grid PNG of a few X-rays, as
 * they are and under each training augmentation (flip, rotation, zoom, contrast, all four),
 * drawn with the seeded sampler the training uses and the config's ranges.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { initBackend } from "../backend.ts";
import { loadConfig } from "../config.ts";
import { prepareCache, scanDataset, stratifiedSubset } from "../data/mod.ts";
import { fail } from "../errors.ts";
import { augmentationPreview } from "../notebook/augmentation.ts";
import { imageGrid } from "../plots/mod.ts";
import { dataRoot } from "../paths.ts";
import { writeFileAtomic } from "../util/atomic.ts";
import { countFlag, requiredFlag } from "./_flags.ts";

const HELP = `usage: deno task cxr augment-preview --out FILE.png [flags]

Writes a grid: one row per augmentation (original, flip, rotation, zoom, contrast, all four),
one column per X-ray (half NORMAL, half PNEUMONIA), each tile captioned with its drawn values.

  --out FILE       PNG to write (required)
  --data DIR       dataset root (default: CXR_DATA_DIR, else data/chest_xray)
  --images N       X-rays to show, an even number (default 6)
  --size N         image side in pixels (default 224)
  --seed N         seed of the image choice and the augmentation draws (default 42)
  --config FILE    take the augmentation ranges from this experiment config
`;

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      out: { type: "string" },
      data: { type: "string" },
      images: { type: "string", default: "6" },
      size: { type: "string", default: "224" },
      seed: { type: "string", default: "42" },
      config: { type: "string" },
      help: { type: "boolean" },
    },
    strict: true,
  });
  if (values.help) return void console.log(HELP);
  const out = requiredFlag("--out FILE.png", values.out);
  const [n, size, seed] = (["images", "size", "seed"] as const).map((k) => countFlag(k, values[k]));
  if (n < 2 || n % 2) fail(`--images must be an even number >= 2, got ${n}`, { exitCode: 2 });
  const { augment } = await loadConfig({ file: values.config });
  const root = dataRoot(values.data);
  const { rows } = await scanDataset(root, { progress: false });
  const chosen = stratifiedSubset(rows, n / 2, seed);
  const cache = await prepareCache({ dataRoot: root, size, rows: chosen, progress: false });
  const usable = chosen.filter((r) => cache.has(r.sha256));
  if (usable.length === 0) fail(`none of the chosen images in ${root} could be decoded`);
  // A few small transforms: any backend does. initBackend also silences tfjs's Node.js banner.
  await initBackend({ backend: "cpu", quiet: true });
  const preview = await augmentationPreview(usable.map((r) => cache.pixels(r.sha256)), size, {
    options: augment,
    seed,
  });
  const png = await imageGrid(preview.rows, {
    title: `Training augmentation (seed ${seed}): ${usable.map((r) => r.label).join(", ")}`,
  });
  await writeFileAtomic(out, png);
  console.log(`wrote ${out} (${preview.rows.length} rows x ${usable.length} images)`);
}
