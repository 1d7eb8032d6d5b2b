/**
 * Ends a child process when the process that started it is gone. A sweep runs each cell as a
 * child and names itself in `CXR_PARENT_PID`; if the sweep is killed outright (`kill -9`, a lost
 * terminal), its children notice within a second and stop, instead of training on unwatched
 * beside the next sweep. Their run folders resume on the next start.
 *
 * @module
 */

/** Environment variable naming the process whose exit should end this one. */
export const PARENT_PID_ENV = "CXR_PARENT_PID";

/**
 * When `CXR_PARENT_PID` is set, checks every `intervalMs` that this process's parent is still
 * that process, and exits with code 143 (as for SIGTERM) once it is not. The timer does not keep
 * the process alive. Returns a function that stops watching.
 */
export function exitWhenParentGone(
  intervalMs = 1000,
  onGone: (pid: number) => void = defaultOnGone,
): () => void {
  const text = Deno.env.get(PARENT_PID_ENV);
  const pid = Number(text);
  if (!text || !Number.isInteger(pid) || pid <= 0) return () => {};
  // Orphans are re-parented (to init or a subreaper), so the parent id changes when it dies.
  if (Deno.ppid !== pid) {
    onGone(pid);
    return () => {};
  }
  const id = setInterval(() => {
    if (Deno.ppid !== pid) {
      clearInterval(id);
      onGone(pid);
    }
  }, intervalMs);
  Deno.unrefTimer(id);
  return () => clearInterval(id);
}

function defaultOnGone(pid: number): void {
  console.error(`error: the sweep that started this command (pid ${pid}) is gone; stopping`);
  Deno.exit(143);
}
