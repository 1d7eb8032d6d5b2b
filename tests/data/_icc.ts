/**
 * A minimal ICC v2 monochrome profile (grey TRC with a given gamma) and a helper that embeds a
 * profile in a JPEG as an APP2 segment, leaving the pixel data untouched: the shape of the
 * grey profile that the NORMAL Kermany originals carry.
 */

function tag(type: string, body: number[]): Uint8Array {
  const out = new Uint8Array(8 + body.length + ((4 - (body.length % 4)) % 4));
  out.set(new TextEncoder().encode(type), 0);
  out.set(body, 8);
  return out;
}
const u32 = (n: number) => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
const s15 = (x: number) => u32(Math.round(x * 65536) >>> 0);
const ascii = (s: string) => [...new TextEncoder().encode(s), 0];

/** An ICC v2 'mntr' GRAY profile whose grey TRC is a pure gamma curve. */
export function grayIccProfile(gamma: number): Uint8Array {
  const desc = ascii("test gray");
  const tags: [string, Uint8Array][] = [
    [
      "desc",
      tag("desc", [
        ...u32(desc.length),
        ...desc,
        ...u32(0),
        ...u32(0),
        0,
        0,
        0,
        ...new Array(67).fill(0),
      ]),
    ],
    ["wtpt", tag("XYZ ", [...s15(0.9642), ...s15(1), ...s15(0.8249)])],
    ["cprt", tag("text", ascii("none"))],
    [
      "kTRC",
      tag("curv", [...u32(1), (Math.round(gamma * 256) >> 8) & 255, Math.round(gamma * 256) & 255]),
    ],
  ];
  let offset = 128 + 4 + 12 * tags.length;
  const table: number[] = [...u32(tags.length)];
  for (const [sig, data] of tags) {
    table.push(...new TextEncoder().encode(sig), ...u32(offset), ...u32(data.length));
    offset += data.length;
  }
  const out = new Uint8Array(offset);
  const header = [
    ...u32(offset),
    ...u32(0),
    ...u32(0x02100000),
    ...new TextEncoder().encode("mntrGRAYXYZ "),
    0x07,
    0xe4,
    0,
    1,
    0,
    1,
    0,
    0,
    0,
    0,
    0,
    0, // 2020-01-01
    ...new TextEncoder().encode("acsp"),
  ];
  out.set(header, 0);
  out.set([...s15(0.9642), ...s15(1), ...s15(0.8249)], 68); // PCS illuminant D50
  out.set(table, 128);
  let at = 128 + table.length;
  for (const [, data] of tags) {
    out.set(data, at);
    at += data.length;
  }
  return out;
}

/** `jpeg` with `profile` embedded as an ICC_PROFILE APP2 segment right after SOI. */
export function withIccProfile(jpeg: Uint8Array, profile: Uint8Array): Uint8Array {
  const id = new TextEncoder().encode("ICC_PROFILE\0");
  const length = 2 + id.length + 2 + profile.length;
  const segment = new Uint8Array(2 + length);
  segment.set([0xff, 0xe2, length >> 8, length & 255]);
  segment.set(id, 4);
  segment.set([1, 1], 4 + id.length); // chunk 1 of 1
  segment.set(profile, 4 + id.length + 2);
  const out = new Uint8Array(jpeg.length + segment.length);
  out.set(jpeg.subarray(0, 2)); // SOI
  out.set(segment, 2);
  out.set(jpeg.subarray(2), 2 + segment.length);
  return out;
}
