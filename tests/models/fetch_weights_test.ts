import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { main } from "../../lib/cli/weights.ts";
import { CxrError } from "../../lib/errors.ts";
import {
  fetchImageNetWeights,
  kerasWeightsFile,
  mobileNetV2,
  readWeightsArtifact,
} from "../../lib/models/mod.ts";
import { kerasWeightName } from "../../lib/models/weights.ts";
import { captureLog } from "../cli/_capture.ts";
import { kerasH5, type KerasLayer } from "./_keras_h5.ts";
import { realWeightsDir } from "../_real_data.ts";

await tf.setBackend("cpu");

/** The shared artifact re-packed as Keras' .h5 (what storage.googleapis.com serves), by layer. */
async function kerasFile(withTop: boolean): Promise<Uint8Array> {
  const stored = await readWeightsArtifact(realWeightsDir());
  const model = mobileNetV2({ includeTop: withTop });
  const layers: KerasLayer[] = model.layers.map((l) => ({
    name: l.name,
    weights: l.weights.map((w) => stored.get(kerasWeightName(l, w))!),
  }));
  return kerasH5(layers);
}

/** Serves `files` (name -> bytes) on 127.0.0.1; 404 for anything else. */
async function withServer(
  files: Record<string, Uint8Array>,
  fn: (baseUrl: string) => Promise<void>,
): Promise<void> {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const body = files[new URL(req.url).pathname.split("/").at(-1)!];
    return body
      ? new Response(body as Uint8Array<ArrayBuffer>)
      : new Response("Not Found", { status: 404 });
  });
  try {
    await fn(`http://127.0.0.1:${server.addr.port}/keras-applications/mobilenet_v2/`);
  } finally {
    await server.shutdown();
  }
}

Deno.test("weights fetch downloads Keras' no-top .h5 and writes the same artifact", async () => {
  const out = await Deno.makeTempDir();
  await withServer({ [kerasWeightsFile(false)]: await kerasFile(false) }, async (baseUrl) => {
    const r = await fetchImageNetWeights({ out, baseUrl });
    assert.equal(r.tensors, 260);
    assert.equal(r.params, 2_257_984);
    assert.match(r.url, /_1\.0_224_no_top\.h5$/);
  });
  // Byte-identical to the first 260 tensors (9,031,936 bytes) of the shared artifact.
  const want = await readFile(join(realWeightsDir(), "weights.bin"));
  const got = await readFile(join(out, "weights.bin"));
  assert.equal(got.length, 9_031_936);
  assert.ok(got.every((b, i) => b === want[i]));
  const wantJson = JSON.parse(await readFile(join(realWeightsDir(), "weights.json"), "utf8"));
  assert.deepEqual(
    JSON.parse(await readFile(join(out, "weights.json"), "utf8")),
    wantJson.slice(0, 260),
  );
  await Deno.remove(out, { recursive: true });
});

Deno.test("cxr weights fetch --with-top converts the classifier too", async () => {
  const out = await Deno.makeTempDir();
  let printed = "";
  await withServer({ [kerasWeightsFile(true)]: await kerasFile(true) }, async (baseUrl) => {
    printed = await captureLog(() =>
      main(["fetch", "--with-top", "--out", out, "--base-url", baseUrl])
    );
  });
  assert.match(
    printed,
    /wrote 262 tensors \(3,538,984 parameters\) from http:\/\/127\.0\.0\.1/,
  );
  assert.deepEqual(
    await readFile(join(out, "weights.bin")),
    await readFile(join(realWeightsDir(), "weights.bin")),
  );
  await Deno.remove(out, { recursive: true });
});

Deno.test("weights fetch: clear errors for HTTP 404 and a file that is not MobileNetV2", async () => {
  const out = await Deno.makeTempDir();
  const toy = await kerasH5([{
    name: "Conv1",
    weights: [{ name: "Conv1/kernel", shape: [1], data: new Float32Array(1) }],
  }]);
  await withServer({ [kerasWeightsFile(false)]: toy }, async (baseUrl) => {
    await assert.rejects(fetchImageNetWeights({ out, baseUrl, withTop: true }), (err: Error) => {
      assert.ok(err instanceof CxrError);
      assert.match(err.message, /_1\.0_224\.h5 failed: HTTP 404/);
      return true;
    });
    await assert.rejects(
      fetchImageNetWeights({ out, baseUrl }),
      /no_top\.h5: tensor 'Conv1\/kernel' has shape \[1\] but the model needs \[3,3,3,32\]/,
    );
  });
  assert.deepEqual([...Deno.readDirSync(out)], []); // nothing written on failure
  await assert.rejects(
    fetchImageNetWeights({ out, baseUrl: "http://127.0.0.1:1/" }),
    /cannot download http:\/\/127\.0\.0\.1:1\/.*this needs internet/,
  );
  await Deno.remove(out, { recursive: true });
});
