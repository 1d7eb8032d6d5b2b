/**
 * File checksums (sha256 and size), recorded when files are written and compared before they
 * are trusted again, so a damaged file is named rather than silently used.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { CxrError } from "../errors.ts";

/** What is recorded of one file. */
export interface FileChecksum {
  sha256: string;
  size: number;
}

/** The checksum of the file at `path`. */
export async function fileChecksum(path: string): Promise<FileChecksum> {
  const bytes = await readFile(path);
  return { sha256: createHash("sha256").update(bytes).digest("hex"), size: bytes.length };
}

/** Checksums of `names` (paths relative to `dir`), keyed by name. */
export async function checksums(
  dir: string,
  names: readonly string[],
): Promise<Record<string, FileChecksum>> {
  const out: Record<string, FileChecksum> = {};
  for (const name of names) out[name] = await fileChecksum(join(dir, name));
  return out;
}

/**
 * Compares every file of `recorded` (relative to `dir`) with its checksum; throws a
 * {@linkcode CxrError} naming the first missing or changed file, and `where` the record is.
 */
export async function verifyChecksums(
  dir: string,
  recorded: Record<string, FileChecksum>,
  where: string,
): Promise<void> {
  for (const [name, want] of Object.entries(recorded)) {
    const path = join(dir, name);
    const got = await fileChecksum(path).catch(() => null);
    if (!got) throw new CxrError(`${path} is missing (${where} records it)`);
    if (got.size !== want.size) {
      throw new CxrError(
        `${path} is ${got.size} bytes but ${where} records ${want.size}: the file is damaged`,
      );
    }
    if (got.sha256 !== want.sha256) {
      throw new CxrError(
        `${path} does not match the sha256 ${where} records: the file is damaged`,
      );
    }
  }
}
