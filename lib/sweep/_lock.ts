/**
 * A lock file that one process holds at a time (created exclusively, holding its host and pid).
 * A lock left by a process that is no longer running on this host is taken over.
 *
 * @module
 */
import { open, readFile, rm } from "node:fs/promises";
import { hostname } from "node:os";
import { fail } from "../errors.ts";

interface LockOwner {
  host: string;
  pid: number;
  since: string;
}

/** Whether process `pid` runs on this machine (`kill -0`). */
export async function pidAlive(pid: number): Promise<boolean> {
  try {
    const { code } = await new Deno.Command("kill", {
      args: ["-0", String(pid)],
      stdout: "null",
      stderr: "null",
    }).output();
    return code === 0;
  } catch {
    return true; // cannot tell: assume it runs
  }
}

/** Takes the lock at `path` or fails naming its holder; returns a release function. */
export async function takeLock(path: string, what: string): Promise<() => Promise<void>> {
  const me: LockOwner = { host: hostname(), pid: Deno.pid, since: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const file = await open(path, "wx");
      await file.writeFile(JSON.stringify(me) + "\n");
      await file.close();
      return async () => {
        const owner = await readOwner(path);
        if (owner?.pid === me.pid && owner.host === me.host) await rm(path, { force: true });
      };
    } catch (err) {
      if ((err as { code?: string }).code !== "EEXIST") throw err;
    }
    const owner = await readOwner(path);
    if (owner && (owner.host !== me.host || await pidAlive(owner.pid))) {
      fail(
        `${what} is in use by process ${owner.pid} on ${owner.host} (since ${owner.since}); ` +
          `wait for it, or delete ${path} if that process is gone`,
      );
    }
    await rm(path, { force: true }); // stale: its process has ended
  }
  fail(`cannot take the lock ${path}; delete it if no process uses ${what}`);
}

async function readOwner(path: string): Promise<LockOwner | undefined> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as LockOwner;
  } catch {
    return undefined;
  }
}
