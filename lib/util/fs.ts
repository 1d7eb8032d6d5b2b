/**
 * Small file-system queries shared across areas.
 *
 * @module
 */
import { stat } from "node:fs/promises";

/** Whether `path` exists (file, folder or anything else `stat` can see). */
export function exists(path: string): Promise<boolean> {
  return stat(path).then(() => true, () => false);
}
