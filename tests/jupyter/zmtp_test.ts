import assert from "node:assert/strict";
import {
  checkGreeting,
  concat,
  connectSocket,
  decodeMetadata,
  encodeCommand,
  encodeFrame,
  encodeGreeting,
  encodeMessage,
  encodeMetadata,
  type Frame,
  FrameDecoder,
} from "../../lib/jupyter/zmtp.ts";

const enc = new TextEncoder();
const bytes = (...xs: (number | string)[]) =>
  concat(xs.map((x) => (typeof x === "number" ? Uint8Array.of(x) : enc.encode(x))));

Deno.test("greeting is the 64-byte ZMTP 3.0 NULL client greeting", () => {
  const g = encodeGreeting();
  const expected = new Uint8Array(64);
  expected.set([0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0x7f, 3, 0, 0x4e, 0x55, 0x4c, 0x4c]);
  assert.deepEqual(g, expected);
  checkGreeting(g);
  const curve = g.slice();
  curve.set(enc.encode("CURVE"), 12);
  assert.throws(() => checkGreeting(curve), /CURVE/);
  const v2 = g.slice();
  v2[10] = 2;
  assert.throws(() => checkGreeting(v2), /ZMTP 2/);
});

Deno.test("short and long frames carry flags and sizes per the spec", () => {
  assert.deepEqual(encodeFrame(enc.encode("hi"), { more: true }), bytes(0x01, 2, "hi"));
  assert.deepEqual(encodeFrame(enc.encode("hi")), bytes(0x00, 2, "hi"));
  const body = new Uint8Array(300).fill(7);
  const long = encodeFrame(body);
  assert.deepEqual(long.subarray(0, 9), Uint8Array.of(0x02, 0, 0, 0, 0, 0, 0, 0x01, 0x2c));
  assert.equal(long.length, 309);
  // 255 bytes still fit a short frame.
  assert.equal(encodeFrame(new Uint8Array(255))[0], 0x00);
  assert.equal(encodeFrame(new Uint8Array(255)).length, 257);
});

Deno.test("READY command with Socket-Type metadata encodes byte-exactly", () => {
  const ready = encodeCommand("READY", encodeMetadata({ "Socket-Type": "DEALER" }));
  assert.deepEqual(ready, bytes(0x04, 28, 5, "READY", 11, "Socket-Type", 0, 0, 0, 6, "DEALER"));
  assert.deepEqual(decodeMetadata(ready.subarray(8)), { "Socket-Type": "DEALER" });
  assert.throws(() => decodeMetadata(bytes(1, "a", 0, 0, 0, 9, "short")), /truncated/);
});

Deno.test("decoder reassembles frames split across arbitrary chunks", () => {
  const big = new Uint8Array(1000).map((_, i) => i % 251);
  const wire = concat([
    encodeMessage([enc.encode("a"), big, enc.encode("")]),
    encodeCommand("PING"),
  ]);
  const d = new FrameDecoder();
  const frames = [];
  for (let i = 0; i < wire.length; i += 7) frames.push(...d.push(wire.subarray(i, i + 7)));
  assert.equal(frames.length, 4);
  assert.deepEqual(frames.map((f) => [f.more, f.command, f.body.length]), [
    [true, false, 1],
    [true, false, 1000],
    [false, false, 0],
    [false, true, 5],
  ]);
  assert.deepEqual(frames[1].body, big);
});

Deno.test("a socket handshakes with a fake ROUTER peer and exchanges multipart messages", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  const server = (async () => {
    const conn = await listener.accept();
    const d = new FrameDecoder();
    const buf = new Uint8Array(4096);
    let got: Uint8Array = new Uint8Array(0);
    const frames: Frame[] = [];
    const readFrames = async (count: number) => {
      while (frames.length < count) {
        const n = await conn.read(buf);
        if (n === null) break;
        got = concat([got, buf.subarray(0, n)]);
        if (got.length >= 64) {
          frames.push(...d.push(got.subarray(64)));
          got = got.subarray(0, 64);
        }
      }
    };
    await readFrames(1); // the client's greeting and READY
    await conn.write(concat([
      encodeGreeting(),
      encodeCommand("READY", encodeMetadata({ "Socket-Type": "ROUTER" })),
      encodeMessage([enc.encode("reply"), enc.encode("two")]),
    ]));
    await readFrames(3); // then its two-frame message
    // Wait for the client to close.
    while ((await conn.read(buf)) !== null) { /* drain */ }
    conn.close();
    return frames;
  })();
  const sock = await connectSocket({ port, type: "DEALER" });
  assert.equal(sock.peer["Socket-Type"], "ROUTER");
  await sock.send([enc.encode("hello"), enc.encode("world")]);
  const msg = await sock.receive();
  assert.deepEqual(msg?.map((f) => new TextDecoder().decode(f)), ["reply", "two"]);
  sock.close();
  assert.equal(await sock.receive(), null);
  const frames = await server;
  listener.close();
  assert.equal(frames[0].command, true);
  assert.deepEqual(decodeMetadata(frames[0].body.subarray(6)), { "Socket-Type": "DEALER" });
  assert.deepEqual(frames.slice(1).map((f) => [new TextDecoder().decode(f.body), f.more]), [
    ["hello", true],
    ["world", false],
  ]);
});
