/**
 * Grayscale X-ray pixels -> the MobileNetV2 input: `x / 127.5 - 1` (Keras'
 * `mobilenet_v2.preprocess_input`), the gray channel repeated to RGB.
 *
 * @module
 */
import * as tf from "@tensorflow/tfjs";
import { fail } from "../errors.ts";

/**
 * A `[batch, size, size, 3]` float32 tensor in [-1, 1] from `batch` uint8 grayscale images of
 * `size * size` bytes each: an array of images, or one buffer holding them back to back.
 */
export function toModelInput(
  gray: Uint8Array[] | Uint8Array,
  size: number,
  batch: number,
): tf.Tensor4D {
  const pixels = size * size;
  const images = Array.isArray(gray)
    ? gray
    : Array.from({ length: batch }, (_, i) => gray.subarray(i * pixels, (i + 1) * pixels));
  if (images.length !== batch) fail(`toModelInput: got ${images.length} images, expected ${batch}`);
  const out = new Float32Array(batch * pixels * 3);
  images.forEach((img, b) => {
    if (img.length !== pixels) {
      fail(
        `toModelInput: image ${b} has ${img.length} bytes, expected ${size}x${size} = ${pixels}`,
      );
    }
    let o = b * pixels * 3;
    for (let p = 0; p < pixels; p++) {
      const v = img[p] / 127.5 - 1;
      out[o++] = v;
      out[o++] = v;
      out[o++] = v;
    }
  });
  return tf.tensor4d(out, [batch, size, size, 3]);
}
