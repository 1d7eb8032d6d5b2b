/**
 * The Jupyter messaging protocol's wire format (version 5.3): a message travels as the frames
 * `<IDS|MSG>`, HMAC-SHA256 signature (hex), header, parent header, metadata, content, then
 * optional binary buffers. The signature covers the four JSON frames, keyed by the connection
 * file's `key`, so the kernel only obeys clients that know the key.
 *
 * @module
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/** The frame that separates routing identities from the message. */
export const DELIMITER = "<IDS|MSG>";
/** Protocol version this client speaks. */
export const PROTOCOL_VERSION = "5.3";

/** A message header. */
export interface MessageHeader {
  msg_id: string;
  session: string;
  username: string;
  date: string;
  msg_type: string;
  version: string;
}

/** A decoded Jupyter message; `content` is left loosely typed, callers narrow by `msg_type`. */
export interface JupyterMessage<C = Record<string, unknown>> {
  header: MessageHeader;
  /** The header of the request this message answers, or `{}`. */
  parent_header: Partial<MessageHeader>;
  metadata: Record<string, unknown>;
  content: C;
  buffers: Uint8Array[];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Hex HMAC-SHA256 of the JSON frames with `key`; "" when the key is empty (signing disabled). */
export function sign(key: string, frames: (string | Uint8Array)[]): string {
  if (key === "") return "";
  const hmac = createHmac("sha256", key);
  for (const f of frames) hmac.update(f);
  return hmac.digest("hex");
}

/** Options for {@linkcode createMessage}. */
export interface CreateMessageOptions {
  /** Session id shared by all messages of one client. */
  session: string;
  /** Header of the message being answered. Default: none. */
  parent?: MessageHeader;
  /** Default: "cxr". */
  username?: string;
}

/** Builds a new message with a fresh id and the current time. */
export function createMessage<C>(
  msgType: string,
  content: C,
  opts: CreateMessageOptions,
): JupyterMessage<C> {
  return {
    header: {
      msg_id: crypto.randomUUID(),
      session: opts.session,
      username: opts.username ?? "cxr",
      date: new Date().toISOString(),
      msg_type: msgType,
      version: PROTOCOL_VERSION,
    },
    parent_header: opts.parent ?? {},
    metadata: {},
    content,
    buffers: [],
  };
}

/** The frames to send for `msg` (from the delimiter on; a DEALER adds no identities). */
export function serialize(msg: JupyterMessage<unknown>, key: string): Uint8Array[] {
  const json = [msg.header, msg.parent_header, msg.metadata, msg.content].map((v) =>
    encoder.encode(JSON.stringify(v))
  );
  return [encoder.encode(DELIMITER), encoder.encode(sign(key, json)), ...json, ...msg.buffers];
}

/**
 * Decodes frames received from a kernel: skips routing identities (or a PUB topic) before the
 * delimiter, verifies the signature, parses the JSON parts. Throws on a bad signature or shape.
 */
export function deserialize(frames: Uint8Array[], key: string): JupyterMessage {
  const at = frames.findIndex((f) =>
    f.length === DELIMITER.length && decoder.decode(f) === DELIMITER
  );
  if (at < 0 || frames.length < at + 6) {
    throw new Error(`Jupyter: malformed message (${frames.length} frames, no '${DELIMITER}')`);
  }
  const signature = decoder.decode(frames[at + 1]);
  const json = frames.slice(at + 2, at + 6);
  if (key !== "") {
    const expected = encoder.encode(sign(key, json));
    const got = encoder.encode(signature);
    if (got.length !== expected.length || !timingSafeEqual(got, expected)) {
      throw new Error("Jupyter: message signature does not match the connection key");
    }
  }
  const [header, parent_header, metadata, content] = json.map((f) => JSON.parse(decoder.decode(f)));
  return { header, parent_header, metadata, content, buffers: frames.slice(at + 6) };
}
