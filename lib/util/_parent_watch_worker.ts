/**
 * Worker of lib/util/parent_watch.ts: polls the parent process id and ends the process when the
 * parent named in the message is gone (orphans are re-parented, so the parent id changes).
 *
 * @module
 */
/// <reference lib="deno.worker" />

self.onmessage = (event: MessageEvent<{ pid: number; intervalMs: number }>) => {
  const { pid, intervalMs } = event.data;
  const check = () => {
    if (Deno.ppid === pid) return;
    console.error(`error: the sweep that started this command (pid ${pid}) is gone; stopping`);
    Deno.kill(Deno.pid, "SIGTERM");
  };
  check();
  setInterval(check, intervalMs);
};
