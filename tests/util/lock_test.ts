import assert from "node:assert/strict";
import { hostname } from "node:os";
import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { CxrError } from "../../lib/errors.ts";
import { acquireLock, parseHolder, RUN_LOCK, withRunLock } from "../../lib/util/lock.ts";
import { processAlive } from "../../lib/util/pid.ts";

/** A process that sleeps until killed; its pid is a live process that is not this one. */
function sleeper(): Deno.ChildProcess {
  return new Deno.Command("sleep", { args: ["60"], stdout: "null", stderr: "null" }).spawn();
}

/** The pid of a process that has exited (and been reaped). */
async function deadPid(): Promise<number> {
  const child = sleeper();
  child.kill("SIGKILL");
  await child.status;
  return child.pid;
}

Deno.test("processAlive: this process and a running child are alive, an exited one is not", async () => {
  assert.equal(processAlive(Deno.pid), true);
  const child = sleeper();
  assert.equal(processAlive(child.pid), true);
  child.kill("SIGKILL");
  await child.status;
  assert.equal(processAlive(child.pid), false);
  assert.equal(processAlive(0), false);
  assert.equal(processAlive(-3), false);
});

Deno.test("acquireLock: the file names pid, host and start; a second taker is refused; release frees it", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "x.lock");
  const lock = await acquireLock(path, { what: "folder X" });
  const holder = JSON.parse(await readFile(path, "utf8"));
  assert.equal(holder.pid, Deno.pid);
  assert.equal(holder.host, hostname());
  assert.ok(Math.abs(Date.parse(holder.started) - Date.now()) < 60_000);
  await assert.rejects(
    acquireLock(path, { what: "folder X" }),
    (e) =>
      e instanceof CxrError &&
      e.message.startsWith(`folder X is in use by process ${Deno.pid} on ${hostname()}`),
  );
  await lock.release();
  await assert.rejects(stat(path));
  const again = await acquireLock(path);
  await again.release();
  assert.deepEqual(await readdir(dir), [], "no temp or guard file left");
});

Deno.test("acquireLock with waitMs: waits for the holder's release, or throws after the wait", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "cache.lock");
  const first = await acquireLock(path, { what: "image cache C" });
  const notices: string[] = [];
  const released = new Promise<void>((done) => setTimeout(() => first.release().then(done), 600));
  const second = await acquireLock(path, {
    what: "image cache C",
    busy: "is being built by",
    waitMs: 60_000,
    warn: (l) => notices.push(l),
  });
  await released;
  assert.equal(JSON.parse(await readFile(path, "utf8")).pid, Deno.pid);
  assert.equal(notices.length, 1);
  assert.match(notices[0], /^waiting: image cache C is being built by process \d+/);
  // A wait shorter than the holder's work ends in the usual error.
  const started = Date.now();
  await assert.rejects(
    acquireLock(path, { what: "image cache C", waitMs: 300, warn: () => {} }),
    (e) => e instanceof CxrError && /image cache C is in use by/.test(e.message),
  );
  assert.ok(Date.now() - started >= 300);
  await second.release();
  assert.deepEqual(await readdir(dir), []);
});

Deno.test("acquireLock: a live process's lock is refused; once it is gone the lock is taken over with a notice", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "run.lock");
  const child = sleeper();
  const started = "2026-01-01T00:00:00.000Z";
  await writeFile(path, JSON.stringify({ pid: child.pid, host: hostname(), started }));
  await assert.rejects(
    acquireLock(path, { what: "run folder R" }),
    (e) =>
      e instanceof CxrError &&
      e.message.includes(`run folder R is in use by process ${child.pid} on ${hostname()}`) &&
      e.message.includes(started),
  );
  child.kill("SIGKILL");
  await child.status;
  const notices: string[] = [];
  const lock = await acquireLock(path, { warn: (l) => notices.push(l) });
  assert.equal(notices.length, 1);
  assert.match(notices[0], new RegExp(`process ${child.pid} .* is no longer running`));
  assert.equal(JSON.parse(await readFile(path, "utf8")).pid, Deno.pid);
  await lock.release();
});

Deno.test("acquireLock: older bare-pid locks, unreadable locks and a dead namesake of this pid are stale", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "lock");
  const quiet = { warn: () => {} };
  await writeFile(path, String(await deadPid()));
  await (await acquireLock(path, quiet)).release();
  await writeFile(path, "{ torn");
  await (await acquireLock(path, quiet)).release();
  // Same pid as this process but not taken by it: a crashed earlier process that had this pid.
  await writeFile(path, JSON.stringify({ pid: Deno.pid, host: hostname(), started: "earlier" }));
  await (await acquireLock(path, quiet)).release();
  assert.deepEqual(parseHolder("123"), { pid: 123, host: hostname(), started: "unknown" });
  assert.equal(parseHolder(""), null);
});

Deno.test("acquireLock: a lock held on another host is respected (it cannot be checked from here)", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "run.lock");
  await writeFile(path, JSON.stringify({ pid: 1, host: "node-17.cluster", started: "t0" }));
  await assert.rejects(
    acquireLock(path),
    (e) =>
      e instanceof CxrError &&
      /process 1 on node-17\.cluster .*cannot be checked/.test(e.message) &&
      e.message.includes(`delete ${path}`),
  );
});

Deno.test("acquireLock: release leaves a lock that another process took over meanwhile", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "run.lock");
  const lock = await acquireLock(path);
  const other = JSON.stringify({ pid: 1, host: hostname(), started: "later" });
  await writeFile(path, other);
  await lock.release();
  assert.equal(await readFile(path, "utf8"), other);
});

Deno.test("acquireLock: of 4 processes racing for one stale lock, exactly one gets it", async () => {
  const dir = await Deno.makeTempDir();
  const path = join(dir, "run.lock");
  await writeFile(path, JSON.stringify({ pid: await deadPid(), host: hostname(), started: "t" }));
  const script = join(dir, "take.ts");
  await writeFile(
    script,
    `import { acquireLock } from ${JSON.stringify(import.meta.resolve("../../lib/util/lock.ts"))};
const start = Date.now() + 1500; // start together
while (Date.now() < start) await new Promise((r) => setTimeout(r, 5));
try {
  await acquireLock(${JSON.stringify(path)}, { warn: () => {} });
  console.log("got");
  await new Promise((r) => setTimeout(r, 3000)); // hold while the others try
} catch (e) { console.log(e.message.includes("is in use by") ? "busy" : "error " + e.message); }`,
  );
  const runs = await Promise.all(
    [0, 1, 2, 3].map(() =>
      new Deno.Command(Deno.execPath(), { args: ["run", "-A", script], stderr: "inherit" }).output()
    ),
  );
  const said = runs.map((r) => new TextDecoder().decode(r.stdout).trim()).sort();
  assert.deepEqual(said, ["busy", "busy", "busy", "got"]);
});

Deno.test("withRunLock: removes what dead writers left, keeps live temp files, and the lock is released", async () => {
  const dir = await Deno.makeTempDir();
  const dead = await deadPid();
  const live = sleeper();
  await mkdir(join(dir, `last.tmp-${dead}`));
  await writeFile(join(dir, `last.tmp-${dead}`, "weights.bin"), "x");
  await mkdir(join(dir, "splits"));
  await writeFile(join(dir, "splits", `train.csv.tmp-${dead}-3`), "torn");
  await writeFile(join(dir, `history.json.tmp-${live.pid}-0`), "being written");
  await writeFile(join(dir, "history.json"), "[]");
  const notices: string[] = [];
  const inside = await withRunLock(dir, async () => {
    assert.ok((await stat(join(dir, RUN_LOCK))).isFile());
    await assert.rejects(withRunLock(dir, () => Promise.resolve(0)), /is in use by/);
    return 7;
  }, { warn: (l) => notices.push(l) });
  live.kill("SIGKILL");
  await live.status;
  assert.equal(inside, 7);
  assert.deepEqual(
    (await readdir(dir)).sort(),
    ["history.json", `history.json.tmp-${live.pid}-0`, "splits"],
  );
  assert.deepEqual(await readdir(join(dir, "splits")), []);
  assert.match(notices[0], /removed 2 temporary file\(s\)/);
});

Deno.test("withRunLock: a folder it had to create is removed when the work writes nothing", async () => {
  const parent = await Deno.makeTempDir();
  const dir = join(parent, "run");
  await assert.rejects(
    withRunLock(dir, () => Promise.reject(new CxrError("bad data root"))),
    /bad data root/,
  );
  assert.deepEqual(await readdir(parent), []);
});
