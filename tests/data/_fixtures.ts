/** Small synthetic image datasets for the data tests, made with sharp in a temp folder. */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import sharp from "sharp";
import { realDataRoot } from "../_real_data.ts";
import { type ManifestRow, patientId } from "../../lib/data/mod.ts";
import { parseCsvRecords } from "../../lib/util/csv.ts";

/** A fresh temp folder. */
export function tempDir(): Promise<string> {
  return Deno.makeTempDir({ prefix: "cxr-data-test-" });
}

/** Options for {@linkcode makeImage}. */
export interface ImageSpec {
  width?: number;
  height?: number;
  channels?: 1 | 3 | 4;
  /** Pixel value, or a function of (x, y, channel). Default: a gradient. */
  value?: number | ((x: number, y: number, c: number) => number);
  format?: "jpeg" | "png";
}

/** Raw pixels for a spec (uint8, interleaved). */
export function pixelsOf(spec: ImageSpec = {}): Uint8Array {
  const { width = 32, height = 24, channels = 1 } = spec;
  const v = spec.value ?? ((x: number, y: number) => (x * 7 + y * 3) % 256);
  const out = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < channels; c++) {
        out[(y * width + x) * channels + c] = typeof v === "number" ? v : v(x, y, c);
      }
    }
  }
  return out;
}

/** Encodes a synthetic image (lossless PNG by default). */
export function encodeImage(spec: ImageSpec = {}): Promise<Uint8Array> {
  const { width = 32, height = 24, channels = 1, format = "png" } = spec;
  let img = sharp(pixelsOf(spec), { raw: { width, height, channels } });
  if (channels === 1) img = img.toColourspace("b-w"); // else sharp writes 3-channel sRGB
  return (format === "png" ? img.png() : img.jpeg({ quality: 95 })).toBuffer();
}

/** Writes bytes (or an encoded synthetic image) at `root/rel`, creating folders. */
export async function put(
  root: string,
  rel: string,
  data: Uint8Array | ImageSpec = {},
): Promise<void> {
  const path = join(root, rel);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, data instanceof Uint8Array ? data : await encodeImage(data));
}

/** A manifest row with defaults, for split tests. */
export function row(
  path: string,
  label: ManifestRow["label"],
  patientId: string,
  sha256 = path,
): ManifestRow {
  return { path, label, officialSplit: null, patientId, width: 1, height: 1, sha256 };
}

/** Rows of the real set's own manifest.csv (stored_sha256 as the hash), without scanning. */
export async function referenceRows(): Promise<ManifestRow[]> {
  const text = await Deno.readTextFile(join(realDataRoot(), "manifest.csv"));
  return parseCsvRecords(text, "manifest.csv").map((r) => ({
    path: `${r.split}/${r.label}/${r.filename}`,
    label: r.label as ManifestRow["label"],
    officialSplit: r.split as ManifestRow["officialSplit"],
    patientId: patientId(r.filename),
    width: 1,
    height: 1,
    sha256: r.stored_sha256,
  }));
}
