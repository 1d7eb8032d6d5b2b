/**
 * Patient keys from Kermany file names, so splits can keep every patient on one side.
 *
 * `person123_bacteria_456.jpeg` -> `person123_bacteria`: the `personN` counter is reused for
 * bacterial and viral cases in different official splits, so the type is part of the key.
 * `IM-0115-0001.jpeg` -> `IM-0115`; `NORMAL2-IM-1427-0001.jpeg` -> `NORMAL2-IM-1427`; extra
 * numeric suffixes (`person447_virus_921_1`, `IM-0429-0001-0002`) are tolerated.
 *
 * Splits can also group on `personN` alone ({@linkcode patientGroup}, key `"person"`): the data's
 * ATTRIBUTION.md calls it the safer choice, since the dataset does not document whether the
 * counter is shared; on the shared copy 979 `personN` values occur with both types (the report's
 * data caveats count them).
 *
 * @module
 */

const PATTERNS: readonly RegExp[] = [
  /^(person\d+_(?:bacteria|virus))(?:_\d+)+$/i,
  /^(NORMAL2-IM-\d+)(?:-\d+)+$/i,
  /^(IM-\d+)(?:-\d+)+$/i,
];

/** A parsed patient key; `recognised` is false when the name matched no known pattern. */
export interface PatientKey {
  patientId: string;
  recognised: boolean;
}

/**
 * The patient key of an image file name (a bare name or a path; the folder is ignored).
 * Unknown patterns fall back to the file's own stem (one image = one patient) with
 * `recognised: false`, so callers can count and report them.
 */
export function patientKey(fileName: string): PatientKey {
  const base = fileName.slice(fileName.lastIndexOf("/") + 1);
  const dot = base.lastIndexOf(".");
  const stem = dot > 0 ? base.slice(0, dot) : base;
  for (const re of PATTERNS) {
    const m = re.exec(stem);
    if (m) return { patientId: m[1], recognised: true };
  }
  return { patientId: stem, recognised: false };
}

/** The patient id of an image file name; see {@linkcode patientKey}. */
export function patientId(fileName: string): string {
  return patientKey(fileName).patientId;
}

/** What a patient-level split keeps together: `personN` with its type (default) or alone. */
export type PatientKeyKind = "person-type" | "person";
/** Both kinds, for flag and config validation. */
export const PATIENT_KEY_KINDS: readonly PatientKeyKind[] = ["person-type", "person"];

/**
 * The group a patient id belongs to under `kind`: `person123_bacteria` -> `person123` for
 * `"person"`; every other id (and every id under `"person-type"`) is its own group.
 */
export function patientGroup(patientId: string, kind: PatientKeyKind): string {
  if (kind === "person-type") return patientId;
  const m = /^(person\d+)_(?:bacteria|virus)$/i.exec(patientId);
  return m ? m[1].toLowerCase() : patientId;
}
