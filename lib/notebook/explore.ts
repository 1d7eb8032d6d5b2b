/**
 * Data exploration summaries for notebook 01: class counts per split, patients and images per
 * patient, duplicate groups, stored image sizes (original resolution vs 224x224 squashed
 * copies) and a seeded sample of each class. Tables are plain row objects (display them with
 * `showTable`); charts are Vega-Lite v5 specs.
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { duplicateGroups, LABELS, type ManifestRow, sampleRows, type Split } from "../data/mod.ts";
import type { SplitCounts, VegaLiteSpec } from "../plots/mod.ts";
import { VEGA_LITE_SCHEMA } from "../plots/mod.ts";
import { type GridRow, imageGrid, previewPng } from "./figures.ts";

// Notebooks take the seeded class sample from here, beside the grid that shows it.
export { sampleRows };

const SPLITS = ["train", "val", "test"] as const;
const CLASS_COLORS = { domain: [...LABELS], range: ["#4c78a8", "#e45756"] };
const STYLE = { background: "white", padding: 12, config: { font: "DejaVu Sans" } };

/** Images per split and class, as the class-balance figure takes them. */
export function splitCounts(split: Split): SplitCounts {
  return Object.fromEntries(SPLITS.map((s) => [
    s,
    Object.fromEntries(LABELS.map((l) => [l, split[s].filter((r) => r.label === l).length])),
  ]));
}

/** The Kaggle folders as a {@linkcode Split} (rows without a folder are left out). */
export function officialFolders(rows: readonly ManifestRow[]): Split {
  return {
    train: rows.filter((r) => r.officialSplit === "train"),
    val: rows.filter((r) => r.officialSplit === "val"),
    test: rows.filter((r) => r.officialSplit === "test"),
  };
}

/** Per split: images, distinct patients, images per patient (mean, max). */
export function patientTable(split: Split): Record<string, string | number>[] {
  return SPLITS.map((s) => {
    const per = imagesPerPatient(split[s]);
    const counts = [...per.values()];
    return {
      split: s,
      images: split[s].length,
      patients: per.size,
      "images per patient (mean)": counts.length ? +(split[s].length / per.size).toFixed(2) : 0,
      "images per patient (max)": counts.length ? Math.max(...counts) : 0,
    };
  });
}

function imagesPerPatient(rows: readonly ManifestRow[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of rows) m.set(r.patientId, (m.get(r.patientId) ?? 0) + 1);
  return m;
}

/** Histogram of images per patient, by class (counts above `cap` pooled as "cap+"). */
export function imagesPerPatientSpec(rows: readonly ManifestRow[], cap = 10): VegaLiteSpec {
  const values = LABELS.flatMap((label) => {
    const hist = new Map<number, number>();
    for (const n of imagesPerPatient(rows.filter((r) => r.label === label)).values()) {
      const k = Math.min(n, cap);
      hist.set(k, (hist.get(k) ?? 0) + 1);
    }
    return [...hist].map(([k, patients]) => ({
      label,
      images: k === cap ? `${cap}+` : String(k),
      order: k,
      patients,
    }));
  });
  const sort = Array.from({ length: cap }, (_, i) => (i + 1 === cap ? `${cap}+` : String(i + 1)));
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...STYLE,
    title: "Images per patient",
    description: "number of patients with k images, per class",
    data: { values },
    width: 420,
    height: 220,
    mark: "bar",
    encoding: {
      x: {
        field: "images",
        type: "ordinal",
        sort,
        title: "images of one patient",
        axis: { labelAngle: 0 },
      },
      xOffset: { field: "label", type: "nominal" },
      y: { field: "patients", type: "quantitative", title: "patients" },
      color: { field: "label", type: "nominal", title: null, scale: CLASS_COLORS },
      tooltip: [{ field: "label" }, { field: "images" }, { field: "patients" }],
    },
  } as VegaLiteSpec;
}

/** Whether a stored image is a 224x224 (squashed, third-party) copy. */
export const isSquashed224 = (r: ManifestRow): boolean => r.width === 224 && r.height === 224;

/** Per Kaggle folder and class: images, 224x224 copies, originals and their shorter side. */
export function sizeTable(rows: readonly ManifestRow[]): Record<string, string | number>[] {
  const out: Record<string, string | number>[] = [];
  const folders = [...new Set(rows.map((r) => r.officialSplit ?? "flat"))];
  for (const folder of folders) {
    for (const label of LABELS) {
      const group = rows.filter((r) => (r.officialSplit ?? "flat") === folder && r.label === label);
      if (group.length === 0) continue;
      const originals = group.filter((r) => !isSquashed224(r));
      const short = originals.map((r) => Math.min(r.width, r.height)).sort((a, b) => a - b);
      out.push({
        folder,
        label,
        images: group.length,
        "224x224 copies": group.length - originals.length,
        "original resolution": originals.length,
        "original share": `${((100 * originals.length) / group.length).toFixed(1)}%`,
        "shorter side (originals)": short.length
          ? `${short[0]}–${short[short.length - 1]} px`
          : "—",
      });
    }
  }
  return out;
}

/** Stored width x height of every image, by class (224x224 copies pile up in one point). */
export function imageSizeSpec(rows: readonly ManifestRow[]): VegaLiteSpec {
  const counts = new Map<
    string,
    { label: string; width: number; height: number; images: number }
  >();
  for (const r of rows) {
    const key = `${r.label} ${r.width} ${r.height}`;
    const c = counts.get(key) ?? { label: r.label, width: r.width, height: r.height, images: 0 };
    c.images++;
    counts.set(key, c);
  }
  return {
    $schema: VEGA_LITE_SCHEMA,
    ...STYLE,
    title: "Stored image sizes",
    description: "width and height of the stored files; area = number of images",
    data: { values: [...counts.values()] },
    width: 420,
    height: 300,
    mark: { type: "circle", opacity: 0.6 },
    encoding: {
      x: { field: "width", type: "quantitative", title: "width (px)" },
      y: { field: "height", type: "quantitative", title: "height (px)" },
      size: { field: "images", type: "quantitative", title: "images", scale: { type: "sqrt" } },
      color: { field: "label", type: "nominal", title: null, scale: CLASS_COLORS },
      tooltip: [{ field: "label" }, { field: "width" }, { field: "height" }, { field: "images" }],
    },
  } as VegaLiteSpec;
}

/** One row per exact-duplicate group: size, class, folder(s), patient ids, file names. */
export function duplicateTable(rows: readonly ManifestRow[]): Record<string, string | number>[] {
  return duplicateGroups(rows).map((g, i) => ({
    group: i + 1,
    images: g.length,
    label: [...new Set(g.map((r) => r.label))].join("/"),
    folder: [...new Set(g.map((r) => r.officialSplit ?? "flat"))].join("/"),
    patients: [...new Set(g.map((r) => r.patientId))].join(", "),
    files: g.map((r) => r.path.split("/").pop()).join(", "),
  }));
}

/** Options for {@linkcode sampleGrid}. */
export interface SampleGridOptions {
  /** Images per class. Default 6. */
  perClass?: number;
  /** Seed of the draw. Default 0. */
  seed?: number;
  /** Tile side in pixels. Default 150. */
  tile?: number;
}

/**
 * A grid of random images of each class as stored (aspect ratio kept, ICC ignored), captioned
 * with their stored size: the 224x224 squashed copies show as squares.
 */
export async function sampleGrid(
  dataRoot: string,
  rows: readonly ManifestRow[],
  opts: SampleGridOptions = {},
): Promise<Uint8Array> {
  const tile = opts.tile ?? 150;
  const picked = sampleRows(rows, opts.perClass ?? 6, opts.seed ?? 0);
  const gridRows: GridRow[] = [];
  for (const label of LABELS) {
    const tiles = [];
    for (const r of picked.filter((p) => p.label === label)) {
      const png = await previewPng(await readFile(join(dataRoot, r.path)), tile);
      tiles.push({ png, caption: `${r.width}x${r.height} ${r.officialSplit ?? ""}` });
    }
    gridRows.push({ label, tiles });
  }
  return imageGrid(gridRows, {
    tile,
    labelWidth: 120,
    title: "Random images per class, as stored",
  });
}
