/**
 * Augmentation preview for notebook 02: the same X-rays under each of the four augmentations
 * alone (flip, rotation, zoom, contrast) and all four together, drawn from the seeded sampler
 * the training uses, with the drawn values as captions and as a table.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import {
  augmentBatch,
  type AugmentOptions,
  type AugmentParams,
  IDENTITY,
  sampleAugmentParams,
} from "../augment/mod.ts";
import { Rng } from "../util/rng.ts";
import { grayPng, type GridRow } from "./figures.ts";

/** The preview: grid rows (one per transform) and the drawn parameters per image. */
export interface AugmentationPreview {
  rows: GridRow[];
  table: Record<string, string | number>[];
}

/** What each row shows: its label and the parameters of image i. */
interface Variant {
  label: string;
  note: string;
  params: (rng: Rng, n: number) => AugmentParams[];
}

/** A short caption, e.g. "flip -4.1° z0.92 c1.03" (z: zoom scale, c: contrast factor). */
const caption = (p: AugmentParams) =>
  [
    p.flip ? "flip" : "",
    p.rotation ? `${p.rotation >= 0 ? "+" : ""}${p.rotation.toFixed(1)}°` : "",
    p.zoom !== 1 ? `z${p.zoom.toFixed(2)}` : "",
    p.contrast !== 1 ? `c${p.contrast.toFixed(2)}` : "",
  ].filter(Boolean).join(" ") || "unchanged";

/** The defaults of the augment module, filled in, so captions can name the ranges. */
function ranges(o: AugmentOptions): Required<AugmentOptions> {
  return {
    rotation: o.rotation ?? 10,
    zoom: o.zoom ?? 0.1,
    contrast: o.contrast ?? 0.1,
    flip: o.flip ?? true,
    translation: o.translation ?? 0,
    brightness: o.brightness ?? 0,
  };
}

/**
 * Applies each transform alone and all four together to `grays` (size x size uint8 gray images),
 * with parameters drawn from `new Rng(seed)` within `options`' ranges (the training defaults
 * when omitted). The flip row always flips, so it shows something.
 */
export async function augmentationPreview(
  grays: Uint8Array[],
  size: number,
  opts: { options?: AugmentOptions; seed?: number } = {},
): Promise<AugmentationPreview> {
  const r = ranges(opts.options ?? {});
  const none = { rotation: 0, zoom: 0, contrast: 0, flip: false };
  const variants: Variant[] = [
    { label: "original", note: "no change", params: (_, n) => Array(n).fill(IDENTITY) },
    {
      label: "flip",
      note: "horizontal, p = 0.5",
      params: (_, n) => Array(n).fill({ ...IDENTITY, flip: true }),
    },
    {
      label: "rotation",
      note: `uniform ±${r.rotation}°`,
      params: (rng, n) => sampleAugmentParams(rng, n, { ...none, rotation: r.rotation }),
    },
    {
      label: "zoom",
      note: `z: scale in [${1 - r.zoom}, ${1 + r.zoom}]`,
      params: (rng, n) => sampleAugmentParams(rng, n, { ...none, zoom: r.zoom }),
    },
    {
      label: "contrast",
      note: `c: factor in [${1 - r.contrast}, ${1 + r.contrast}]`,
      params: (rng, n) => sampleAugmentParams(rng, n, { ...none, contrast: r.contrast }),
    },
    {
      label: "all four",
      note: "as in training",
      params: (rng, n) => sampleAugmentParams(rng, n, r),
    },
  ];
  const rng = new Rng(opts.seed ?? 0);
  const n = grays.length;
  const input = tf.tidy(() => {
    const flat = new Float32Array(n * size * size);
    grays.forEach((g, i) => flat.set(g, i * size * size));
    return tf.tensor4d(flat, [n, size, size, 1]);
  });
  const rows: GridRow[] = [];
  const table: Record<string, string | number>[] = [];
  try {
    for (const v of variants) {
      const params = v.params(rng, n);
      const out = tf.tidy(() =>
        augmentBatch(input, params, [0, 255]).round().clipByValue(0, 255).toInt()
      );
      const data = await out.data();
      out.dispose();
      const tiles = [];
      for (let i = 0; i < n; i++) {
        const pixels = Uint8Array.from(data.subarray(i * size * size, (i + 1) * size * size));
        tiles.push({ png: await grayPng(pixels, size), caption: caption(params[i]) });
        table.push({
          transform: v.label,
          image: i + 1,
          flip: params[i].flip ? "yes" : "no",
          "rotation (°)": +params[i].rotation.toFixed(2),
          zoom: +params[i].zoom.toFixed(4),
          contrast: +params[i].contrast.toFixed(4),
        });
      }
      rows.push({ label: v.label, note: v.note, tiles });
    }
  } finally {
    input.dispose();
  }
  return { rows, table };
}
