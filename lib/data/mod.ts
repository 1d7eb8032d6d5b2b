/**
 * The data area: find a chest X-ray dataset, build its manifest (label, official split,
 * patient key, size, content hash), split it (paper | patient | official), decode and cache
 * its images as uint8 grayscale, and fetch it for users with internet.
 *
 * @example
 * ```ts
 * import { prepareCache, scanDataset, splitDataset } from "./mod.ts";
 * import { dataRoot } from "../paths.ts";
 * const { rows } = await scanDataset(dataRoot(), { progress: false });
 * const { train } = splitDataset(rows, { strategy: "patient", seed: 7 });
 * const some = train.slice(0, 4);
 * const cache = await prepareCache({ dataRoot: dataRoot(), size: 64, rows: some, progress: false });
 * const pixels = cache.pixels(some[0].sha256); // 64*64 gray bytes
 * ```
 *
 * @module
 */
export * from "./types.ts";
export {
  type DiscoveredImage,
  discoverImages,
  type Discovery,
  EXPECTED_LAYOUT,
  type Layout,
} from "./discover.ts";
export {
  PATIENT_KEY_KINDS,
  patientGroup,
  patientId,
  type PatientKey,
  patientKey,
  type PatientKeyKind,
} from "./patient_id.ts";
export {
  formatManifest,
  MANIFEST_COLUMNS,
  manifestTable,
  parseManifest,
  readManifest,
  scanDataset,
  type ScanOptions,
  type ScanResult,
  writeManifest,
  writeSkipped,
} from "./manifest.ts";
export { duplicateGroups, writeDuplicates } from "./duplicates.ts";
export { assertClassesPresent, assertSplitClasses, classCounts, splitClassFix } from "./classes.ts";
export {
  OFFICIAL_VALIDATIONS,
  type OfficialValidation,
  type Split,
  SPLIT_STRATEGIES,
  splitDataset,
  type SplitOptions,
  type SplitStrategy,
  type SplitSummary,
  splitSummary,
} from "./split.ts";
export { sampleRows, stratifiedSubset } from "./sample.ts";
export { readSplit, type SplitFileSummary, type SplitInfo, writeSplit } from "./split_files.ts";
export { decodeGray, type DecodeOptions, decoderId, type ResizeKernel } from "./decode.ts";
export {
  cacheFolder,
  type CacheLocation,
  type ImageCache,
  openCache,
  prepareCache,
  type PrepareOptions,
} from "./cache.ts";
export { download, type Downloaded, type DownloadOptions, sha256File } from "./download.ts";
export {
  archiveNameOf,
  type ArchiveSource,
  fetchDataset,
  type Fetched,
  type FetchOptions,
  kaggleSource,
  MENDELEY_SOURCE,
} from "./fetch.ts";
