/**
 * A real one-node Slurm cluster for tests, from Debian's `slurm-wlm` and `munge`: a minimal
 * `slurm.conf` in a temp folder, `munged` (as the munge user, on its own socket), `slurmctld`
 * and `slurmd` on free ports, all stopped by {@linkcode SlurmCluster.stop}.
 */
import { chmod, chown, mkdir, readFile, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { dirname, join } from "node:path";

const INSTALL = "install them with: apt-get update && apt-get install -y slurm-wlm munge " +
  "(.ci/run does this when they are missing)";

/** Fails (never skips) when a program the cluster needs is missing. */
export async function requireSlurm(): Promise<void> {
  const missing: string[] = [];
  for (const tool of ["munged", "slurmctld", "slurmd", "sbatch", "squeue", "sinfo", "runuser"]) {
    const found = await new Deno.Command("bash", {
      args: ["-c", `command -v ${tool} || test -x /usr/sbin/${tool}`],
      stdout: "null",
      stderr: "null",
    }).output();
    if (!found.success) missing.push(tool);
  }
  if (missing.length) {
    throw new Error(`the Slurm test needs ${missing.join(", ")}, which are missing: ${INSTALL}`);
  }
  if (Deno.uid() !== 0) {
    throw new Error("the Slurm test starts munged and a one-node cluster as root: run it as root");
  }
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** A running cluster: `env` points Slurm's clients at it. */
export interface SlurmCluster {
  dir: string;
  env: Record<string, string>;
  /** Cancels jobs and stops the daemons (safe to call twice). */
  stop(): Promise<void>;
  /** The daemons' logs, for failure messages. */
  logs(): Promise<string>;
}

/** Starts munged, slurmctld and slurmd in `dir`; waits until the node is idle. */
export async function startSlurmCluster(dir: string): Promise<SlurmCluster> {
  await requireSlurm();
  // munged insists that every folder on its socket's path is searchable by all.
  await mkdir(dir, { recursive: true });
  await chmod(dirname(dir), 0o755);
  await chmod(dir, 0o755);
  const munge = join(dir, "munge");
  await mkdir(munge, { recursive: true });
  const ids = await new Deno.Command("id", { args: ["-u", "munge"], stdout: "piped" }).output();
  const gids = await new Deno.Command("id", { args: ["-g", "munge"], stdout: "piped" }).output();
  const dec = new TextDecoder();
  await chown(munge, Number(dec.decode(ids.stdout)), Number(dec.decode(gids.stdout)));
  await chmod(munge, 0o755);
  for (const sub of ["state", "spool"]) await mkdir(join(dir, sub), { recursive: true });
  const host = hostname().split(".")[0];
  const [ctldPort, dPort] = [freePort(), freePort()];
  const cpus = navigator.hardwareConcurrency;
  const conf = join(dir, "slurm.conf");
  await writeFile(
    conf,
    [
      "ClusterName=cxrtest",
      `SlurmctldHost=${host}(127.0.0.1)`,
      "SlurmUser=root",
      "SlurmdUser=root",
      `SlurmctldPort=${ctldPort}`,
      `SlurmdPort=${dPort}`,
      "AuthType=auth/munge",
      "CredType=cred/munge",
      `AuthInfo=socket=${join(munge, "munge.socket")}`,
      `StateSaveLocation=${join(dir, "state")}`,
      `SlurmdSpoolDir=${join(dir, "spool")}`,
      `SlurmctldPidFile=${join(dir, "slurmctld.pid")}`,
      `SlurmdPidFile=${join(dir, "slurmd.pid")}`,
      `SlurmctldLogFile=${join(dir, "slurmctld.log")}`,
      `SlurmdLogFile=${join(dir, "slurmd.log")}`,
      "ProctrackType=proctrack/linuxproc",
      "TaskPlugin=task/none",
      "SelectType=select/cons_tres",
      "SelectTypeParameters=CR_CPU",
      "MpiDefault=none",
      "ReturnToService=2",
      "JobCompType=jobcomp/none",
      "AccountingStorageType=accounting_storage/none",
      "JobAcctGatherType=jobacct_gather/none",
      `NodeName=${host} NodeAddr=127.0.0.1 CPUs=${cpus} State=UNKNOWN`,
      `PartitionName=debug Nodes=${host} Default=YES MaxTime=INFINITE State=UP`,
      "",
    ].join("\n"),
  );
  const env = { SLURM_CONF: conf };
  const mungePid = join(munge, "munged.pid");
  const started = await new Deno.Command("runuser", {
    args: [
      "-u",
      "munge",
      "--",
      "/usr/sbin/munged",
      `--socket=${join(munge, "munge.socket")}`,
      `--pid-file=${mungePid}`,
      `--log-file=${join(munge, "munged.log")}`,
      `--seed-file=${join(munge, "munged.seed")}`,
    ],
    stderr: "piped",
  }).output();
  if (!started.success) throw new Error(`munged did not start: ${dec.decode(started.stderr)}`);
  const daemon = (name: string) =>
    new Deno.Command(name, {
      args: ["-D", "-f", conf],
      env,
      stdout: "null",
      stderr: "null",
    }).spawn();
  const ctld = daemon("slurmctld");
  const slurmd = daemon("slurmd");
  let stopped = false;
  const cluster: SlurmCluster = {
    dir,
    env,
    async stop() {
      if (stopped) return;
      stopped = true;
      await new Deno.Command("scancel", { args: ["--full", "-u", "root"], env, stderr: "null" })
        .output().catch(() => {});
      for (const p of [slurmd, ctld]) {
        try {
          p.kill("SIGTERM");
        } catch { /* gone */ }
        await p.status;
      }
      const pid = Number((await readFile(mungePid, "utf8").catch(() => "")).trim());
      if (pid > 0) {
        try {
          Deno.kill(pid, "SIGTERM");
        } catch { /* gone */ }
      }
    },
    async logs() {
      const read = (f: string) => readFile(join(dir, f), "utf8").catch(() => "");
      return `slurmctld.log:\n${await read("slurmctld.log")}\nslurmd.log:\n${await read(
        "slurmd.log",
      )}`;
    },
  };
  for (let i = 0; i < 100; i++) {
    const info = await new Deno.Command("sinfo", {
      args: ["-h", "-o", "%t"],
      env,
      stdout: "piped",
      stderr: "null",
    }).output();
    if (/idle|mix/.test(dec.decode(info.stdout))) return cluster;
    await new Promise((r) => setTimeout(r, 200));
  }
  const logs = await cluster.logs();
  await cluster.stop();
  throw new Error(`the one-node Slurm cluster did not come up within 20 s\n${logs}`);
}
