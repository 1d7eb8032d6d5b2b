/**
 * A small zip reader (stored and deflated entries, zip64 sizes and offsets) reading the
 * archive by random access, so a 1.2 GB archive is never held in memory and no `unzip`
 * binary is needed.
 *
 * @module
 */
import { mkdir, open, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { inflateRawSync } from "node:zlib";
import { CxrError } from "../errors.ts";

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (zip, PNG, gzip). */
export function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** One file entry of a zip archive. */
export interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
  encrypted: boolean;
}

type Handle = Awaited<ReturnType<typeof open>>;

async function readAt(fh: Handle, position: number, length: number): Promise<DataView> {
  const buf = new Uint8Array(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(buf, got, length - got, position + got);
    if (bytesRead === 0) throw new Error("unexpected end of archive");
    got += bytesRead;
  }
  return new DataView(buf.buffer);
}

const u64 = (v: DataView, at: number) => Number(v.getBigUint64(at, true));

async function listEntries(fh: Handle, fileSize: number): Promise<ZipEntry[]> {
  const tailLen = Math.min(fileSize, 22 + 65535);
  const tail = await readAt(fh, fileSize - tailLen, tailLen);
  let eocd = -1;
  for (let i = tailLen - 22; i >= 0; i--) {
    if (tail.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error("no end-of-central-directory record (not a zip file?)");
  let count = tail.getUint16(eocd + 10, true);
  let cdSize = tail.getUint32(eocd + 12, true);
  let cdOffset = tail.getUint32(eocd + 16, true);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const locator = eocd - 20;
    if (locator < 0 || tail.getUint32(locator, true) !== 0x07064b50) {
      throw new Error("bad zip64 locator");
    }
    const z = await readAt(fh, u64(tail, locator + 8), 56);
    if (z.getUint32(0, true) !== 0x06064b50) throw new Error("bad zip64 end record");
    count = u64(z, 32);
    cdSize = u64(z, 40);
    cdOffset = u64(z, 48);
  }
  const cd = await readAt(fh, cdOffset, cdSize);
  const entries: ZipEntry[] = [];
  const decoder = new TextDecoder();
  for (let p = 0, k = 0; k < count; k++) {
    if (cd.getUint32(p, true) !== 0x02014b50) throw new Error("bad central directory entry");
    const nameLen = cd.getUint16(p + 28, true);
    const extraLen = cd.getUint16(p + 30, true);
    const commentLen = cd.getUint16(p + 32, true);
    const e: ZipEntry = {
      name: decoder.decode(new Uint8Array(cd.buffer, p + 46, nameLen)),
      method: cd.getUint16(p + 10, true),
      crc: cd.getUint32(p + 16, true),
      compressedSize: cd.getUint32(p + 20, true),
      size: cd.getUint32(p + 24, true),
      localOffset: cd.getUint32(p + 42, true),
      encrypted: (cd.getUint16(p + 8, true) & 1) === 1,
    };
    // zip64 extra field: 64-bit values for the fields that hold 0xffffffff, in this order.
    for (let x = p + 46 + nameLen; x < p + 46 + nameLen + extraLen;) {
      const id = cd.getUint16(x, true);
      const len = cd.getUint16(x + 2, true);
      if (id === 0x0001) {
        let q = x + 4;
        if (e.size === 0xffffffff) (e.size = u64(cd, q)), (q += 8);
        if (e.compressedSize === 0xffffffff) (e.compressedSize = u64(cd, q)), (q += 8);
        if (e.localOffset === 0xffffffff) e.localOffset = u64(cd, q);
      }
      x += 4 + len;
    }
    entries.push(e);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** A safe relative path for an entry name, or null for entries to leave out. */
function safeName(name: string): string | null {
  const parts = name.replaceAll("\\", "/").split("/").filter((s) => s !== "" && s !== ".");
  if (parts.length === 0 || name.endsWith("/") || parts[0] === "__MACOSX") return null;
  if (name.startsWith("/") || /^[a-zA-Z]:/.test(name) || parts.includes("..")) {
    throw new CxrError(`zip entry '${name}' points outside the target folder; refusing to unpack`);
  }
  return parts.join("/");
}

/**
 * Unpacks the files of a zip archive into `destDir` (created), skipping `__MACOSX/`; checks
 * each file's CRC. Returns the number of files written.
 */
export async function unzip(
  archive: string,
  destDir: string,
  onFile?: (done: number, total: number) => void,
): Promise<number> {
  const fh = await open(archive, "r");
  try {
    const size = (await fh.stat()).size;
    let entries: ZipEntry[];
    try {
      entries = await listEntries(fh, size);
    } catch (err) {
      throw new CxrError(`cannot read zip ${archive}: ${(err as Error).message}`, { cause: err });
    }
    const files = entries.map((e) => ({ e, rel: safeName(e.name) })).filter((f) => f.rel !== null);
    let done = 0;
    for (const { e, rel } of files) {
      const where = `${archive}: ${e.name}`;
      if (e.encrypted) throw new CxrError(`${where} is encrypted; unpack it by hand`);
      const local = await readAt(fh, e.localOffset, 30);
      if (local.getUint32(0, true) !== 0x04034b50) throw new CxrError(`${where}: bad local header`);
      const start = e.localOffset + 30 + local.getUint16(26, true) + local.getUint16(28, true);
      const raw = new Uint8Array((await readAt(fh, start, e.compressedSize)).buffer);
      let data: Uint8Array;
      if (e.method === 0) data = raw;
      else if (e.method === 8) data = inflateRawSync(raw);
      else throw new CxrError(`${where}: compression method ${e.method} is not supported`);
      if (data.length !== e.size || crc32(data) !== e.crc) {
        throw new CxrError(
          `${where}: CRC or size mismatch (corrupt archive); delete it and fetch again`,
        );
      }
      const path = join(destDir, rel!);
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, data);
      onFile?.(++done, files.length);
    }
    return done;
  } finally {
    await fh.close();
  }
}
