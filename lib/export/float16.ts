/**
 * IEEE 754 half-precision storage for model weights: tfjs reads a weights-manifest entry with
 * `quantization: { dtype: "float16" }` as float16 values widened back to float32 on load, so a
 * model stored this way downloads at half the size and needs no code change in the page.
 *
 * @module
 */
import type * as tf from "@tensorflow/tfjs";
import { fail } from "../errors.ts";

/** Largest finite float16. */
export const FLOAT16_MAX = 65504;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float16 bits of `value`, rounded to nearest, ties to even (subnormals, inf and NaN kept). */
export function float16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // inf, NaN
  const e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow -> inf
  if (e <= 0) {
    if (e < -10) return sign; // underflow -> 0
    const m = mant | 0x800000; // subnormal: shift the implicit 1 in
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    const rest = m & ((1 << shift) - 1);
    let h = m >>> shift;
    if (rest > half || (rest === half && (h & 1))) h++;
    return sign | h;
  }
  let h = (e << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (h & 1))) h++; // may carry into the exponent: right
  return sign | h;
}

/** The float32 value of float16 `bits`. */
export function float16Value(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >>> 10) & 0x1f;
  const mant = bits & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/**
 * Weight specs and data with every float32 weight stored as float16 (`quantization` set);
 * other dtypes are copied as they are. Fails on a weight beyond ±65504 (not representable).
 */
export function toFloat16Weights(
  specs: tf.io.WeightsManifestEntry[],
  data: ArrayBuffer,
): { specs: tf.io.WeightsManifestEntry[]; data: ArrayBuffer } {
  const parts: Uint8Array[] = [];
  const out: tf.io.WeightsManifestEntry[] = [];
  let offset = 0;
  for (const spec of specs) {
    if (spec.quantization) fail(`weight ${spec.name} is already quantized; export from float32`);
    const n = spec.shape.reduce((a, b) => a * b, 1);
    if (spec.dtype !== "float32") {
      parts.push(new Uint8Array(data, offset, 4 * n));
      out.push(spec);
    } else {
      const values = new Float32Array(data, offset, n);
      const half = new Uint16Array(n);
      for (let i = 0; i < n; i++) {
        if (Math.abs(values[i]) > FLOAT16_MAX) {
          fail(
            `weight ${spec.name}[${i}] = ${
              values[i]
            } exceeds float16's range; export without --float16`,
          );
        }
        half[i] = float16Bits(values[i]);
      }
      parts.push(new Uint8Array(half.buffer));
      out.push({ ...spec, quantization: { dtype: "float16" } });
    }
    offset += 4 * n;
  }
  const joined = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let at = 0;
  for (const p of parts) {
    joined.set(p, at);
    at += p.length;
  }
  return { specs: out, data: joined.buffer };
}
