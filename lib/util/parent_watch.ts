/**
 * Ends a child process when the process that started it is gone. A sweep runs each cell as a
 * child and names itself in `CXR_PARENT_PID`; if the sweep is killed outright (`kill -9`, a lost
 * terminal), its children notice within a second and stop, instead of training on unwatched
 * beside the next sweep. Their run folders resume on the next start.
 *
 * The check runs in a worker thread, so it fires even while the main thread is busy in a long
 * synchronous computation (a training step does not yield to timers).
 *
 * @module
 */

/** Environment variable naming the process whose exit should end this one. */
export const PARENT_PID_ENV = "CXR_PARENT_PID";

/**
 * When `CXR_PARENT_PID` is set, checks every `intervalMs` (in a worker) that this process's
 * parent is still that process, and once it is not, prints why and ends this process with
 * SIGTERM (exit status 143). Returns a function that stops watching. The worker keeps the
 * process alive: use it in entry points that end with `Deno.exit`.
 */
export function exitWhenParentGone(intervalMs = 500): () => void {
  const text = Deno.env.get(PARENT_PID_ENV);
  const pid = Number(text);
  if (!text || !Number.isInteger(pid) || pid <= 0) return () => {};
  const worker = new Worker(new URL("./_parent_watch_worker.ts", import.meta.url), {
    type: "module",
  });
  worker.postMessage({ pid, intervalMs });
  return () => worker.terminate();
}
