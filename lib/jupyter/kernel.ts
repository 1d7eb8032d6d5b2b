/**
 * Starts Deno's own Jupyter kernel (`deno jupyter --kernel --conn FILE`) and talks to it as a
 * client: a connection file with free ports on 127.0.0.1 and a random key, DEALER sockets for
 * shell and control, a SUB socket for iopub. `shutdown` always ends the process, politely first.
 *
 * @module
 */
import { randomBytes } from "node:crypto";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { writeJsonAtomic } from "../util/atomic.ts";
import { createMessage, deserialize, type JupyterMessage, serialize } from "./messages.ts";
import { connectSocket, type ZmtpSocket } from "./zmtp.ts";

/** A kernel connection file (Jupyter's format). */
export interface ConnectionInfo {
  ip: string;
  transport: "tcp";
  shell_port: number;
  iopub_port: number;
  stdin_port: number;
  control_port: number;
  hb_port: number;
  signature_scheme: "hmac-sha256";
  key: string;
  kernel_name: string;
}

/** Options for {@linkcode startKernel}. */
export interface KernelOptions {
  /**
   * Working directory of the kernel; Deno finds `deno.json` (bare imports) by walking up from
   * it. Default: the current directory.
   */
  cwd?: string;
  /** Extra environment variables for the kernel (added to this process's). Default: none. */
  env?: Record<string, string>;
  /** The `deno` executable. Default: the one running this code (`Deno.execPath()`). */
  denoPath?: string;
  /** How long to wait for the kernel to answer at start. Default: 60 000 ms. */
  startTimeoutMs?: number;
}

/** Options for {@linkcode Kernel.execute}. */
export interface ExecuteOptions {
  /** Called with each iopub message caused by this request, in arrival order. */
  onMessage?: (msg: JupyterMessage) => void;
  /** Give up (and reject) after this long. Default: no limit. */
  timeoutMs?: number;
  /**
   * How long iopub must stay quiet, once every output of the cell has arrived (see
   * {@linkcode Kernel.execute}), before the cell counts as done: output of timers the cell left
   * running is still the cell's until then. Default: 300 ms.
   */
  settleMs?: number;
}

/** The kernel's `execute_reply` content. */
export interface ExecuteReply {
  status: "ok" | "error" | "aborted";
  execution_count: number | null;
  ename?: string;
  evalue?: string;
  traceback?: string[];
}

/** A running kernel. */
export interface Kernel {
  readonly connection: ConnectionInfo;
  /** The `kernel_info_reply` content (language_info, implementation, ...). */
  readonly info: Record<string, unknown>;
  /**
   * Runs `code` and resolves with the reply once the kernel is idle and every output of the
   * cell has arrived. Deno's kernel publishes what a cell displays or prints from a queue
   * drained apart from the cell's busy/idle status, so an output can follow idle (and carry the
   * next request's header). The queue is first in, first out: a silent request that prints a
   * marker is answered after the cell's last output, and what arrives before the marker, under
   * either request, belongs to the cell.
   */
  execute(code: string, opts?: ExecuteOptions): Promise<ExecuteReply>;
  /** The last lines the kernel process wrote to stderr/stdout (for error messages). */
  logTail(): string;
  /** Asks the kernel to exit, then kills it if it lingers. Safe to call more than once. */
  shutdown(): Promise<void>;
}

/** Error thrown when the kernel dies, times out or breaks the protocol. */
export class KernelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KernelError";
  }
}

/** Free TCP ports on 127.0.0.1 (the OS picks; a tiny race with other processes remains). */
export function freePorts(n: number): number[] {
  const listeners = Array.from(
    { length: n },
    () => Deno.listen({ hostname: "127.0.0.1", port: 0 }),
  );
  const ports = listeners.map((l) => (l.addr as Deno.NetAddr).port);
  for (const l of listeners) l.close();
  return ports;
}

/** Starts a Deno kernel and waits until it answers on shell and publishes on iopub. */
export async function startKernel(opts: KernelOptions = {}): Promise<Kernel> {
  const [shell, iopub, stdin, control, hb] = freePorts(5);
  const connection: ConnectionInfo = {
    ip: "127.0.0.1",
    transport: "tcp",
    shell_port: shell,
    iopub_port: iopub,
    stdin_port: stdin,
    control_port: control,
    hb_port: hb,
    signature_scheme: "hmac-sha256",
    key: randomBytes(32).toString("hex"),
    kernel_name: "deno",
  };
  const connFile = join(await Deno.makeTempDir({ prefix: "cxr-kernel-" }), "connection.json");
  await writeJsonAtomic(connFile, connection);

  const child = new Deno.Command(opts.denoPath ?? Deno.execPath(), {
    args: ["jupyter", "--kernel", "--conn", connFile],
    cwd: opts.cwd,
    env: opts.env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const client = new Client(child, connection, connFile);
  try {
    await client.connect(opts.startTimeoutMs ?? 60_000);
  } catch (err) {
    await client.shutdown();
    throw err;
  }
  return client;
}

interface Pending {
  onMessage?: (msg: JupyterMessage) => void;
  resolveReply?: (msg: JupyterMessage) => void;
  idle: boolean;
  lastActivity: number;
}

class Client implements Kernel {
  readonly connection: ConnectionInfo;
  info: Record<string, unknown> = {};
  #child: Deno.ChildProcess;
  #connFile: string;
  #session = crypto.randomUUID();
  #shell?: ZmtpSocket;
  #control?: ZmtpSocket;
  #iopub?: ZmtpSocket;
  #pending = new Map<string, Pending>();
  #log: string[] = [];
  #exited = false;
  #exit: Promise<Deno.CommandStatus>;
  #shutdown?: Promise<void>;

  constructor(child: Deno.ChildProcess, connection: ConnectionInfo, connFile: string) {
    this.#child = child;
    this.connection = connection;
    this.#connFile = connFile;
    this.#exit = child.status.then((s) => {
      this.#exited = true;
      return s;
    });
    this.#drain(child.stdout);
    this.#drain(child.stderr);
  }

  async #drain(stream: ReadableStream<Uint8Array>): Promise<void> {
    const text = stream.pipeThrough(new TextDecoderStream());
    for await (const chunk of text) {
      this.#log.push(...chunk.split("\n").filter((l) => l.trim() !== ""));
      if (this.#log.length > 40) this.#log.splice(0, this.#log.length - 40);
    }
  }

  logTail(): string {
    return this.#log.join("\n");
  }

  async connect(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const c = this.connection;
    // The kernel binds its ports a moment after it starts; retry until it accepts.
    this.#iopub = await this.#retry(
      () => connectSocket({ port: c.iopub_port, type: "SUB" }),
      deadline,
    );
    await this.#iopub.subscribe("");
    this.#shell = await this.#retry(
      () => connectSocket({ port: c.shell_port, type: "DEALER" }),
      deadline,
    );
    this.#control = await this.#retry(
      () => connectSocket({ port: c.control_port, type: "DEALER" }),
      deadline,
    );
    this.#listen(this.#iopub, true);
    this.#listen(this.#shell, false);
    this.#listen(this.#control, false);

    // A PUB socket drops messages until it has seen the subscription, so repeat kernel_info
    // until its busy/idle status arrives on iopub: then no output can be lost.
    while (true) {
      const msg = createMessage("kernel_info_request", {}, { session: this.#session });
      const pending: Pending = { idle: false, lastActivity: 0 };
      let sawIopub = false;
      pending.onMessage = () => (sawIopub = true);
      const reply = new Promise<JupyterMessage>((r) => (pending.resolveReply = r));
      this.#pending.set(msg.header.msg_id, pending);
      await this.#shell.send(serialize(msg, c.key));
      const got = await withTimeout(Promise.race([reply, this.#exit.then(() => null)]), 1000);
      if (got && got !== "timeout") this.info = got.content;
      await delay(50);
      this.#pending.delete(msg.header.msg_id);
      if (this.#exited) throw this.#died("while starting");
      if (got && got !== "timeout" && sawIopub) return;
      if (Date.now() > deadline) {
        throw new KernelError(
          `the kernel did not answer within ${timeoutMs} ms\n${this.logTail()}`,
        );
      }
    }
  }

  async #retry<T>(fn: () => Promise<T>, deadline: number): Promise<T> {
    while (true) {
      try {
        return await fn();
      } catch (err) {
        if (this.#exited) throw this.#died("while starting");
        if (Date.now() > deadline) {
          throw new KernelError(
            `cannot connect to the kernel: ${(err as Error).message}\n${this.logTail()}`,
          );
        }
        await delay(100);
      }
    }
  }

  #died(when: string): KernelError {
    const log = this.logTail();
    return new KernelError(`the kernel exited ${when}${log ? `; its log:\n${log}` : ""}`);
  }

  async #listen(socket: ZmtpSocket, iopub: boolean): Promise<void> {
    while (true) {
      const frames = await socket.receive();
      if (!frames) return;
      let msg: JupyterMessage;
      try {
        msg = deserialize(frames, this.connection.key);
      } catch {
        continue; // not ours or corrupt: a signed protocol lets us ignore it safely
      }
      const pending = this.#pending.get(msg.parent_header.msg_id ?? "");
      if (!pending) continue;
      if (iopub) {
        pending.lastActivity = Date.now();
        if (msg.header.msg_type === "status" && msg.content.execution_state === "idle") {
          pending.idle = true;
        }
        pending.onMessage?.(msg);
      } else {
        pending.resolveReply?.(msg);
      }
    }
  }

  async execute(code: string, opts: ExecuteOptions = {}): Promise<ExecuteReply> {
    if (this.#exited) throw this.#died("before the cell ran");
    const settleMs = opts.settleMs ?? 300;
    const msg = createMessage("execute_request", {
      code,
      silent: false,
      store_history: true,
      user_expressions: {},
      allow_stdin: false,
      stop_on_error: true,
    }, { session: this.#session });
    const id = msg.header.msg_id;
    const pending: Pending = { idle: false, lastActivity: Date.now(), onMessage: opts.onMessage };
    const reply = new Promise<JupyterMessage>((r) => (pending.resolveReply = r));
    this.#pending.set(id, pending);
    try {
      await this.#shell!.send(serialize(msg, this.connection.key));
      const done = (async () => {
        const r = await reply;
        while (!pending.idle) await delay(10);
        await this.#outputsFlushed(pending, settleMs);
        return r;
      })();
      const died = this.#exit.then(() => "died" as const);
      const r = await withTimeout(Promise.race([done, died]), opts.timeoutMs);
      if (r === "timeout") {
        throw new KernelError(`the cell did not finish within ${opts.timeoutMs} ms`);
      }
      if (r === "died") throw this.#died("while the cell ran");
      return r.content as unknown as ExecuteReply;
    } finally {
      this.#pending.delete(id);
    }
  }

  /**
   * Sends a silent request that prints a marker and hands what arrives before the marker to
   * `cell` (see {@linkcode Kernel.execute}); the request's own status and input are not the
   * cell's.
   */
  async #outputsFlushed(cell: Pending, settleMs: number): Promise<void> {
    const marker = `cxr-outputs-flushed-${crypto.randomUUID()}`;
    const msg = createMessage("execute_request", {
      code: `console.log(${JSON.stringify(marker)})`,
      silent: true,
      store_history: false,
      user_expressions: {},
      allow_stdin: false,
      stop_on_error: false,
    }, { session: this.#session });
    let seen = false;
    const flush: Pending = {
      idle: false,
      lastActivity: Date.now(),
      onMessage: (m) => {
        if (m.header.msg_type === "status" || m.header.msg_type === "execute_input") return;
        const text = m.header.msg_type === "stream" ? String(m.content.text ?? "") : "";
        if (!text.includes(marker)) return cell.onMessage?.(m);
        seen = true;
        const rest = text.replace(`${marker}\n`, "");
        if (rest !== "") cell.onMessage?.({ ...m, content: { ...m.content, text: rest } });
      },
    };
    this.#pending.set(msg.header.msg_id, flush);
    try {
      await this.#shell!.send(serialize(msg, this.connection.key));
      const quiet = () => Date.now() - Math.max(flush.lastActivity, cell.lastActivity);
      while (!seen && !(flush.idle && quiet() >= NO_MARKER_WAIT_MS)) await delay(10);
      // Output of timers the cell left running is still the cell's while iopub keeps busy.
      while (quiet() < settleMs) await delay(10);
    } finally {
      this.#pending.delete(msg.header.msg_id);
    }
  }

  shutdown(): Promise<void> {
    this.#shutdown ??= this.#doShutdown();
    return this.#shutdown;
  }

  async #doShutdown(): Promise<void> {
    if (!this.#exited && this.#control) {
      try {
        const msg = createMessage("shutdown_request", { restart: false }, {
          session: this.#session,
        });
        await this.#control.send(serialize(msg, this.connection.key));
      } catch { /* kernel gone already; the kill below covers it */ }
    }
    for (const [signal, waitMs] of [[null, 3000], ["SIGTERM", 2000], ["SIGKILL", 5000]] as const) {
      if (this.#exited) break;
      if (signal) {
        try {
          this.#child.kill(signal);
        } catch { /* exited in between */ }
      }
      await withTimeout(this.#exit, waitMs);
    }
    for (const s of [this.#shell, this.#control, this.#iopub]) s?.close();
    await rm(join(this.#connFile, ".."), { recursive: true, force: true });
  }
}

/** Quiet time after the flush request's idle before giving up on its marker. */
const NO_MARKER_WAIT_MS = 5000;

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** `promise`'s value, or "timeout" after `ms` (no limit when undefined); clears its timer. */
async function withTimeout<T>(promise: Promise<T>, ms: number | undefined): Promise<T | "timeout"> {
  if (ms === undefined) return promise;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<"timeout">((r) => (timer = setTimeout(() => r("timeout"), ms)));
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
