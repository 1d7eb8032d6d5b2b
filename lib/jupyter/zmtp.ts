/**
 * ZeroMQ's wire protocol, ZMTP 3.0 (https://rfc.zeromq.org/spec/23/), over TCP with the NULL
 * security mechanism: just enough to talk to a Jupyter kernel as a DEALER (shell, control), SUB
 * (iopub) or REQ (heartbeat) peer, without a native ZeroMQ library.
 *
 * A connection starts with a 64-byte greeting each way, then a READY command carrying the
 * socket type; after that every message is one or more frames, each with a flags byte (MORE,
 * LONG, COMMAND) and a 1- or 8-byte big-endian size.
 *
 * @module
 */

/** Socket types a client of a Jupyter kernel uses. */
export type SocketType = "DEALER" | "SUB" | "REQ";

/** Flag bits of a frame's first byte. */
export const FLAG_MORE = 0x01;
export const FLAG_LONG = 0x02;
export const FLAG_COMMAND = 0x04;

const GREETING_SIZE = 64;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The 64-byte ZMTP 3.0 greeting of a client (as-server = 0) using the NULL mechanism. */
export function encodeGreeting(): Uint8Array {
  const g = new Uint8Array(GREETING_SIZE);
  g[0] = 0xff; // signature: 0xFF, 8 padding bytes, 0x7F
  g[9] = 0x7f;
  g[10] = 3; // version 3.0
  g[11] = 0;
  g.set(encoder.encode("NULL"), 12); // mechanism, zero-padded to 20 bytes
  return g;
}

/** Checks a peer's greeting; throws if it is not ZMTP 3.x with the NULL mechanism. */
export function checkGreeting(g: Uint8Array): void {
  if (g.length < GREETING_SIZE || g[0] !== 0xff || (g[9] & 0x01) !== 0x01) {
    throw new Error("ZMTP: peer did not send a ZMTP greeting");
  }
  if (g[10] < 3) throw new Error(`ZMTP: peer speaks ZMTP ${g[10]}.x, need 3.x`);
  const mechanism = decoder.decode(g.subarray(12, 32)).replace(/\0+$/, "");
  if (mechanism !== "NULL") throw new Error(`ZMTP: peer wants security '${mechanism}', need NULL`);
}

/** Encodes one frame; `more` marks that another frame of the same message follows. */
export function encodeFrame(
  body: Uint8Array,
  opts: { more?: boolean; command?: boolean } = {},
): Uint8Array {
  const long = body.length > 255;
  const head = long ? 9 : 2;
  const out = new Uint8Array(head + body.length);
  out[0] = (opts.more ? FLAG_MORE : 0) | (opts.command ? FLAG_COMMAND : 0) | (long ? FLAG_LONG : 0);
  if (long) new DataView(out.buffer).setBigUint64(1, BigInt(body.length));
  else out[1] = body.length;
  out.set(body, head);
  return out;
}

/** Encodes a multipart message (all frames but the last carry MORE) as one byte string. */
export function encodeMessage(frames: Uint8Array[]): Uint8Array {
  if (frames.length === 0) throw new Error("ZMTP: a message needs at least one frame");
  return concat(frames.map((f, i) => encodeFrame(f, { more: i < frames.length - 1 })));
}

/** Encodes a command frame: name length, name, then the command's data. */
export function encodeCommand(name: string, data: Uint8Array = new Uint8Array()): Uint8Array {
  const n = encoder.encode(name);
  return encodeFrame(concat([Uint8Array.of(n.length), n, data]), { command: true });
}

/** Encodes ZMTP metadata: each property is a 1-byte name length, name, 4-byte value length, value. */
export function encodeMetadata(props: Record<string, string>): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const [name, value] of Object.entries(props)) {
    const n = encoder.encode(name);
    const v = encoder.encode(value);
    const len = new Uint8Array(4);
    new DataView(len.buffer).setUint32(0, v.length);
    parts.push(Uint8Array.of(n.length), n, len, v);
  }
  return concat(parts);
}

/** Decodes ZMTP metadata into a name -> value map (names as sent; ZMTP treats them case-insensitively). */
export function decodeMetadata(data: Uint8Array): Record<string, string> {
  const props: Record<string, string> = {};
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  let i = 0;
  while (i < data.length) {
    const nameLen = data[i];
    const name = decoder.decode(data.subarray(i + 1, i + 1 + nameLen));
    i += 1 + nameLen;
    if (i + 4 > data.length) throw new Error("ZMTP: truncated metadata");
    const valueLen = view.getUint32(i);
    i += 4;
    if (i + valueLen > data.length) throw new Error("ZMTP: truncated metadata");
    props[name] = decoder.decode(data.subarray(i, i + valueLen));
    i += valueLen;
  }
  return props;
}

/** One decoded frame. */
export interface Frame {
  more: boolean;
  command: boolean;
  body: Uint8Array;
}

/**
 * Incremental frame decoder: feed it bytes as they arrive, take whole frames out. TCP delivers
 * arbitrary chunks, so a frame may span several reads or one read may hold many frames.
 */
export class FrameDecoder {
  #buf: Uint8Array = new Uint8Array(0);

  /** Appends `chunk` and returns every frame now complete. */
  push(chunk: Uint8Array): Frame[] {
    this.#buf = this.#buf.length ? concat([this.#buf, chunk]) : chunk.slice();
    const frames: Frame[] = [];
    let i = 0;
    while (i + 2 <= this.#buf.length) {
      const flags = this.#buf[i];
      const long = (flags & FLAG_LONG) !== 0;
      const head = long ? 9 : 2;
      if (i + head > this.#buf.length) break;
      const size = long
        ? Number(new DataView(this.#buf.buffer, this.#buf.byteOffset + i + 1, 8).getBigUint64(0))
        : this.#buf[i + 1];
      if (i + head + size > this.#buf.length) break;
      frames.push({
        more: (flags & FLAG_MORE) !== 0,
        command: (flags & FLAG_COMMAND) !== 0,
        body: this.#buf.slice(i + head, i + head + size),
      });
      i += head + size;
    }
    this.#buf = this.#buf.subarray(i);
    return frames;
  }
}

/** Options for {@linkcode connectSocket}. */
export interface ConnectOptions {
  /** Host to connect to. Default: "127.0.0.1". */
  hostname?: string;
  port: number;
  type: SocketType;
  /** Socket identity sent in READY (ROUTER peers address replies by it). Default: none. */
  identity?: string;
}

/**
 * A connected ZMTP socket: send multipart messages, receive them in arrival order.
 * `receive` resolves `null` once the connection is closed and drained.
 */
export interface ZmtpSocket {
  readonly type: SocketType;
  /** Properties of the peer's READY command (e.g. "Socket-Type"). */
  readonly peer: Record<string, string>;
  send(frames: Uint8Array[]): Promise<void>;
  receive(): Promise<Uint8Array[] | null>;
  /** SUB only: subscribe to messages whose first frame starts with `prefix` ("" = all). */
  subscribe(prefix?: string): Promise<void>;
  close(): void;
}

/** Connects to a ZMTP 3 peer over TCP and completes the NULL handshake. */
export async function connectSocket(opts: ConnectOptions): Promise<ZmtpSocket> {
  const conn = await Deno.connect({ hostname: opts.hostname ?? "127.0.0.1", port: opts.port });
  try {
    return await handshake(conn, opts);
  } catch (err) {
    try {
      conn.close();
    } catch { /* already closed */ }
    throw err;
  }
}

async function handshake(conn: Deno.Conn, opts: ConnectOptions): Promise<ZmtpSocket> {
  const props: Record<string, string> = { "Socket-Type": opts.type };
  if (opts.identity !== undefined) props["Identity"] = opts.identity;
  await writeAll(conn, concat([encodeGreeting(), encodeCommand("READY", encodeMetadata(props))]));

  // Read the greeting, then frames until the peer's READY.
  let pending: Uint8Array = new Uint8Array(0);
  const buf = new Uint8Array(64 * 1024);
  while (pending.length < GREETING_SIZE) {
    const n = await conn.read(buf);
    if (n === null) throw new Error(`ZMTP: port ${opts.port} closed during the greeting`);
    pending = concat([pending, buf.subarray(0, n)]);
  }
  checkGreeting(pending.subarray(0, GREETING_SIZE));
  const frameDecoder = new FrameDecoder();
  let frames = frameDecoder.push(pending.subarray(GREETING_SIZE));
  while (frames.length === 0) {
    const n = await conn.read(buf);
    if (n === null) throw new Error(`ZMTP: port ${opts.port} closed during the handshake`);
    frames = frameDecoder.push(buf.subarray(0, n));
  }
  const ready = frames.shift()!;
  const nameLen = ready.body[0];
  const name = decoder.decode(ready.body.subarray(1, 1 + nameLen));
  if (!ready.command || name !== "READY") {
    throw new Error(`ZMTP: expected READY from port ${opts.port}, got ${name || "a message"}`);
  }
  const peer = decodeMetadata(ready.body.subarray(1 + nameLen));
  return new Socket(conn, opts.type, peer, frameDecoder, frames);
}

class Socket implements ZmtpSocket {
  readonly peer: Record<string, string>;
  readonly type: SocketType;
  #conn: Deno.Conn;
  #decoder: FrameDecoder;
  #queue: Uint8Array[][] = [];
  #waiters: ((msg: Uint8Array[] | null) => void)[] = [];
  #partial: Uint8Array[] = [];
  #closed = false;
  #writing: Promise<void> = Promise.resolve();

  constructor(
    conn: Deno.Conn,
    type: SocketType,
    peer: Record<string, string>,
    decoder: FrameDecoder,
    early: Frame[],
  ) {
    this.#conn = conn;
    this.type = type;
    this.peer = peer;
    this.#decoder = decoder;
    this.#accept(early);
    this.#pump();
  }

  async #pump(): Promise<void> {
    const buf = new Uint8Array(256 * 1024);
    try {
      while (true) {
        const n = await this.#conn.read(buf);
        if (n === null) break;
        this.#accept(this.#decoder.push(buf.subarray(0, n)));
      }
    } catch {
      // Connection reset or closed by us: either way the stream is over.
    }
    this.#finish();
  }

  #accept(frames: Frame[]): void {
    for (const f of frames) {
      if (f.command) continue; // e.g. PING/ERROR; nothing for a NULL client to act on
      this.#partial.push(f.body);
      if (f.more) continue;
      const msg = this.#partial;
      this.#partial = [];
      const waiter = this.#waiters.shift();
      if (waiter) waiter(msg);
      else this.#queue.push(msg);
    }
  }

  #finish(): void {
    this.#closed = true;
    for (const w of this.#waiters.splice(0)) w(null);
  }

  send(frames: Uint8Array[]): Promise<void> {
    if (this.#closed) return Promise.reject(new Error("ZMTP: socket is closed"));
    const bytes = encodeMessage(frames);
    // Serialise writes so concurrent sends never interleave their frames.
    this.#writing = this.#writing.then(() => writeAll(this.#conn, bytes));
    return this.#writing;
  }

  receive(): Promise<Uint8Array[] | null> {
    const msg = this.#queue.shift();
    if (msg) return Promise.resolve(msg);
    if (this.#closed) return Promise.resolve(null);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  subscribe(prefix = ""): Promise<void> {
    if (this.type !== "SUB") throw new Error("ZMTP: only SUB sockets subscribe");
    // ZMTP 3.0 subscriptions are a message whose body is 0x01 followed by the prefix.
    return this.send([concat([Uint8Array.of(1), encoder.encode(prefix)])]);
  }

  close(): void {
    if (!this.#closed) {
      this.#closed = true;
      try {
        this.#conn.close();
      } catch { /* already closed */ }
    }
    this.#finish();
  }
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let off = 0;
  while (off < bytes.length) off += await conn.write(bytes.subarray(off));
}

/** Concatenates byte arrays. */
export function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
