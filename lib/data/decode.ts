/**
 * Decodes an image file to uint8 grayscale at size x size, the form the cache stores.
 *
 * Embedded ICC profiles are ignored: the NORMAL originals of the Kermany set carry a grey
 * profile that a colour-managed decode brightens by about 14 grey levels, a label shortcut.
 * Raw sample values are what PIL, OpenCV and TensorFlow decode.
 *
 * @module
 */
import sharp from "sharp";
import { CxrError } from "../errors.ts";

/** Resampling kernels of sharp's resize. */
export type ResizeKernel = "nearest" | "linear" | "cubic" | "mitchell" | "lanczos2" | "lanczos3";

/** Options for {@linkcode decodeGray}. */
export interface DecodeOptions {
  /** Resampling kernel. Default: "lanczos3" (sharp's default). */
  kernel?: ResizeKernel;
}

/** Identifies the decoding, so a cache built by another decoder is rebuilt rather than mixed. */
export function decoderId(opts: DecodeOptions = {}): string {
  const v = sharp.versions;
  return `sharp ${v.sharp} vips ${v.vips}; ignoreIcc, removeAlpha, greyscale, fill, ${
    opts.kernel ?? "lanczos3"
  }, uchar`;
}

/**
 * Decodes `bytes` (JPEG, PNG, ...) to `size * size` uint8 grey values, row-major: alpha dropped,
 * colour converted to grey, 16-bit scaled to 8-bit, resized with `fit: "fill"` (aspect ratio
 * not kept, as Keras resizes). Rejects undecodable or truncated files with a CxrError.
 */
export async function decodeGray(
  bytes: Uint8Array,
  size: number,
  opts: DecodeOptions = {},
): Promise<Uint8Array> {
  if (bytes.length === 0) throw new CxrError("empty file (0 bytes)");
  try {
    const { data, info } = await sharp(bytes, { ignoreIcc: true, failOn: "warning" })
      .removeAlpha()
      .greyscale()
      .resize(size, size, { fit: "fill", kernel: opts.kernel ?? "lanczos3" })
      .raw({ depth: "uchar" })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 1 || data.length !== size * size) {
      throw new Error(`unexpected decode: ${info.width}x${info.height}x${info.channels}`);
    }
    return new Uint8Array(data.buffer, data.byteOffset, data.length);
  } catch (err) {
    let why = (err as Error).message.split("\n")[0].trim();
    // Under concurrency libvips sometimes reports only this generic line for a truncated file.
    if (/failOn/.test(why)) why = "corrupt or truncated image data (decoder warning)";
    throw new CxrError(`cannot decode: ${why}`, { cause: err });
  }
}
