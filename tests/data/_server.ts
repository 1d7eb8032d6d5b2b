/** A local HTTP server on 127.0.0.1 for the fetch tests: serves byte arrays, honours Range. */
import { crc32 } from "../../lib/data/_zip.ts";
import { deflateRawSync } from "node:zlib";

/** Options for one served file. */
export interface Served {
  body: Uint8Array<ArrayBuffer>;
  /** Ignore Range headers (answer 200 with the whole body). */
  ignoreRange?: boolean;
  /** For the first N requests, send the headers for the whole body but cut the connection after this many bytes. */
  cutAfter?: number;
  cutTimes?: number;
}

/** A running server; `requests` logs each request's path and Range header. */
export interface TestServer {
  url(path: string): string;
  requests: { path: string; range: string | null }[];
  close(): Promise<void>;
}

export function serve(files: Record<string, Served>): TestServer {
  const requests: TestServer["requests"] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const path = new URL(req.url).pathname;
    const range = req.headers.get("range");
    requests.push({ path, range });
    const f = files[path];
    if (!f) return new Response("not found", { status: 404 });
    const total = f.body.length;
    const m = /^bytes=(\d+)-$/.exec(range ?? "");
    if (m && !f.ignoreRange) {
      const start = Number(m[1]);
      if (start >= total) {
        return new Response(null, {
          status: 416,
          headers: { "content-range": `bytes */${total}` },
        });
      }
      return new Response(f.body.slice(start), {
        status: 206,
        headers: { "content-range": `bytes ${start}-${total - 1}/${total}` },
      });
    }
    if (f.cutAfter !== undefined && (f.cutTimes ?? 1) > 0) {
      f.cutTimes = (f.cutTimes ?? 1) - 1;
      const head = f.body.slice(0, f.cutAfter);
      const stream = new ReadableStream<Uint8Array>({
        async pull(c) {
          c.enqueue(head);
          await new Promise((r) => setTimeout(r, 20));
          c.error(new Error("connection cut"));
        },
      });
      return new Response(stream, { headers: { "content-length": String(total) } });
    }
    return new Response(f.body);
  });
  const port = (server.addr as Deno.NetAddr).port;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    requests,
    close: () => server.shutdown(),
  };
}

/** Builds a zip archive in memory (deflated entries unless `stored`). */
export function makeZip(files: Record<string, Uint8Array | string>, stored = false): Uint8Array {
  const enc = new TextEncoder();
  const locals: Uint8Array[] = [];
  const centrals: Uint8Array[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const data = typeof content === "string" ? enc.encode(content) : content;
    const packed = stored ? data : new Uint8Array(deflateRawSync(data));
    const n = enc.encode(name);
    const crc = crc32(data);
    const local = new Uint8Array(30 + n.length + packed.length);
    const lv = new DataView(local.buffer);
    lv.setUint32(0, 0x04034b50, true);
    lv.setUint16(4, 20, true);
    lv.setUint16(8, stored ? 0 : 8, true);
    lv.setUint32(14, crc, true);
    lv.setUint32(18, packed.length, true);
    lv.setUint32(22, data.length, true);
    lv.setUint16(26, n.length, true);
    local.set(n, 30);
    local.set(packed, 30 + n.length);
    const central = new Uint8Array(46 + n.length);
    const cv = new DataView(central.buffer);
    cv.setUint32(0, 0x02014b50, true);
    cv.setUint16(4, 20, true);
    cv.setUint16(6, 20, true);
    cv.setUint16(10, stored ? 0 : 8, true);
    cv.setUint32(16, crc, true);
    cv.setUint32(20, packed.length, true);
    cv.setUint32(24, data.length, true);
    cv.setUint16(28, n.length, true);
    cv.setUint32(42, offset, true);
    central.set(n, 46);
    locals.push(local);
    centrals.push(central);
    offset += local.length;
  }
  const cdSize = centrals.reduce((a, c) => a + c.length, 0);
  const end = new Uint8Array(22);
  const ev = new DataView(end.buffer);
  ev.setUint32(0, 0x06054b50, true);
  ev.setUint16(8, centrals.length, true);
  ev.setUint16(10, centrals.length, true);
  ev.setUint32(12, cdSize, true);
  ev.setUint32(16, offset, true);
  const out = new Uint8Array(offset + cdSize + 22);
  let at = 0;
  for (const part of [...locals, ...centrals, end]) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
