/**
 * RGBA pixels from a browser canvas -> one grey byte per pixel, as the training decode's
 * `greyscale()` (libvips sRGB -> B_W) gives it: a grey image's value unchanged, a colour pixel's
 * luminance computed in linear light (0.2126 R + 0.7152 G + 0.0722 B) and re-encoded with the
 * sRGB curve. Alpha is dropped, not composited, as the decode's `removeAlpha()` does.
 *
 * @module
 */

const toLinear = (v: number) => {
  const c = v / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
};
const LINEAR = Float64Array.from({ length: 256 }, (_, v) => toLinear(v));

function toSrgb(y: number): number {
  const c = y <= 0.0031308 ? 12.92 * y : 1.055 * y ** (1 / 2.4) - 0.055;
  return Math.min(255, Math.max(0, Math.round(255 * c)));
}

/** `width * height` grey bytes from RGBA bytes (exact for grey images; colour within 1 level). */
export function rgbaToGray(rgba: Uint8Array | Uint8ClampedArray): Uint8Array {
  const out = new Uint8Array(rgba.length / 4);
  for (let i = 0; i < out.length; i++) {
    const [r, g, b] = [rgba[4 * i], rgba[4 * i + 1], rgba[4 * i + 2]];
    out[i] = r === g && g === b
      ? r
      : toSrgb(0.2126 * LINEAR[r] + 0.7152 * LINEAR[g] + 0.0722 * LINEAR[b]);
  }
  return out;
}
