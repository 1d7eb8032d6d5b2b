import assert from "node:assert/strict";
import { createMessage, deserialize, serialize, sign } from "../../lib/jupyter/messages.ts";

const enc = new TextEncoder();

Deno.test("sign is HMAC-SHA256 over the concatenated frames (RFC 4231 test case 2)", () => {
  const expected = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
  assert.equal(sign("Jefe", ["what do ya want for nothing?"]), expected);
  assert.equal(sign("Jefe", [enc.encode("what do ya "), "want for nothing?"]), expected);
  assert.equal(sign("", ["anything"]), "");
});

Deno.test("serialize -> deserialize round-trips and checks the signature", () => {
  const msg = createMessage("execute_request", { code: "1 + 1" }, { session: "s1" });
  const frames = serialize(msg, "secret");
  assert.equal(frames.length, 6);
  assert.equal(new TextDecoder().decode(frames[0]), "<IDS|MSG>");
  const sig = new TextDecoder().decode(frames[1]);
  assert.equal(sig, sign("secret", frames.slice(2, 6)));
  // Routing identities (or a PUB topic) before the delimiter are skipped.
  const back = deserialize([enc.encode("identity"), ...frames, enc.encode("buf")], "secret");
  assert.deepEqual(back.header, msg.header);
  assert.deepEqual(back.content, { code: "1 + 1" });
  assert.deepEqual(back.parent_header, {});
  assert.equal(back.buffers.length, 1);
  assert.throws(() => deserialize(frames, "other key"), /signature/);
  const tampered = [...frames];
  tampered[5] = enc.encode(JSON.stringify({ code: "2 + 2" }));
  assert.throws(() => deserialize(tampered, "secret"), /signature/);
  assert.throws(() => deserialize(frames.slice(0, 4), "secret"), /malformed/);
});

Deno.test("a reply carries its request's header as parent", () => {
  const req = createMessage("kernel_info_request", {}, { session: "s" });
  const rep = createMessage("kernel_info_reply", { status: "ok" }, {
    session: "k",
    parent: req.header,
  });
  assert.equal(rep.parent_header.msg_id, req.header.msg_id);
  assert.equal(rep.header.version, "5.3");
  assert.notEqual(rep.header.msg_id, req.header.msg_id);
});
