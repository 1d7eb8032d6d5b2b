/**
 * Downloading Keras' own MobileNetV2 ImageNet weights (`.h5`) and converting them to the
 * `weights.json` + `weights.bin` artifact that {@linkcode loadImageNetWeights} reads.
 *
 * @module
 */
import { fail } from "../errors.ts";
import { progress } from "../util/progress.ts";
import { convertKerasH5 } from "./h5_convert.ts";
import { mobileNetV2 } from "./mobilenet_v2.ts";
import { matchWeights, writeWeightsArtifact } from "./weights.ts";

/** Where `keras.applications.MobileNetV2` downloads its weights from. */
export const KERAS_WEIGHTS_BASE_URL =
  "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v2/";

/** Options for {@linkcode fetchImageNetWeights}. */
export interface FetchWeightsOptions {
  /** Folder to write `weights.json` + `weights.bin` into. */
  out: string;
  /** Fetch the file with the ImageNet classifier (`predictions`) too. Default false. */
  withTop?: boolean;
  /** Base URL of the `.h5` files. Default {@linkcode KERAS_WEIGHTS_BASE_URL}. */
  baseUrl?: string;
}

/** Keras' file name for MobileNetV2 alpha 1.0, 224, with or without top. */
export function kerasWeightsFile(withTop: boolean): string {
  return `mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224${withTop ? "" : "_no_top"}.h5`;
}

async function download(url: string): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (err) {
    fail(
      `cannot download ${url} (${(err as Error).message}): this needs internet; without it, ` +
        "copy a weights folder (weights.json + weights.bin) and pass --weights DIR",
      { cause: err },
    );
  }
  if (!response.ok || !response.body) {
    await response.body?.cancel();
    fail(`downloading ${url} failed: HTTP ${response.status} ${response.statusText}`);
  }
  const total = Number(response.headers.get("content-length") ?? 0);
  const bar = progress(`download ${url.split("/").at(-1)} (bytes)`, total);
  const chunks: Uint8Array[] = [];
  for await (const chunk of response.body) {
    chunks.push(chunk);
    bar.tick(chunk.length);
  }
  bar.done();
  const bytes = new Uint8Array(chunks.reduce((a, c) => a + c.length, 0));
  chunks.reduce((at, c) => (bytes.set(c, at), at + c.length), 0);
  if (total > 0 && bytes.length !== total) {
    fail(`download of ${url} stopped at ${bytes.length} of ${total} bytes; try again`);
  }
  return bytes;
}

/**
 * Downloads Keras' MobileNetV2 `.h5`, converts it, checks every tensor against the model
 * (names and shapes) and writes the artifact to `opts.out`. Returns the URL and tensor count.
 */
export async function fetchImageNetWeights(
  opts: FetchWeightsOptions,
): Promise<{ url: string; tensors: number; params: number }> {
  const withTop = opts.withTop ?? false;
  const base = opts.baseUrl ?? KERAS_WEIGHTS_BASE_URL;
  const url = `${base.endsWith("/") ? base : base + "/"}${kerasWeightsFile(withTop)}`;
  const weights = await convertKerasH5(await download(url), url);
  const model = mobileNetV2({ includeTop: withTop });
  matchWeights(model, new Map(weights.map((w) => [w.name, w])), url);
  model.dispose();
  await writeWeightsArtifact(opts.out, weights);
  return { url, tensors: weights.length, params: weights.reduce((a, w) => a + w.data.length, 0) };
}
