/**
 * Whether a process is running, asked portably (signal 0 through `node:process`, the same on
 * Linux, macOS and Windows), never through `/proc`.
 *
 * @module
 */
import process from "node:process";

/** Whether process `pid` is running on this host: signal 0 tests for it without touching it. */
export function processAlive(pid: number): boolean {
  if (!(Number.isInteger(pid) && pid > 0)) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === "EPERM"; // exists, but is not ours to signal
  }
}
