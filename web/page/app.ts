/// <reference lib="dom" />
/**
 * The page's script (bundled by lib/web/bundle.ts; tfjs comes from the npm package's own
 * browser build as the global `tf`). It loads the exported model and its card, decodes each
 * chosen file without colour management, preprocesses it as training does (grey, lib/web/resize.ts,
 * `x / 127.5 - 1`), and shows p(PNEUMONIA), the decision and a Grad-CAM overlay.
 *
 * For automated checks the page sets `document.body.dataset.state` ("loading", "ready",
 * "busy", "done", "failed") and keeps every result in `globalThis.cxrResults`.
 *
 * @module
 */
import type * as TF from "@tensorflow/tfjs";
import { rgbaToGray } from "../../lib/web/grey.ts";
import { fillResize, type GrayImage } from "../../lib/web/resize.ts";
import { type CamParts, camParts, gradCam } from "./gradcam.ts";

declare const tf: typeof TF & { wasm?: { setWasmPaths(prefix: string): void } };

/** One file's outcome, as shown and as exposed in `cxrResults`. */
interface PageResult {
  name: string;
  prob?: number;
  decision?: string;
  error?: string;
}

interface Card {
  name: string;
  threshold: number;
  input: { size: number };
  intended_use: string;
}

const results: PageResult[] = [];
(globalThis as unknown as { cxrResults: PageResult[] }).cxrResults = results;
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const setState = (s: string) => (document.body.dataset.state = s);

function fatal(message: string): never {
  const box = $("fatal");
  box.textContent = message;
  box.hidden = false;
  $("status").textContent = "";
  setState("failed");
  throw new Error(message);
}

/** Missing browser features, named. */
function missingApis(): string[] {
  const need: [string, boolean][] = [
    ["createImageBitmap", typeof createImageBitmap === "function"],
    ["OffscreenCanvas", typeof OffscreenCanvas === "function"],
    ["WebAssembly", typeof WebAssembly === "object"],
    ["tf (tfjs script)", typeof tf === "object"],
  ];
  return need.filter(([, ok]) => !ok).map(([name]) => name);
}

/** The fastest backend that starts: webgpu, webgl, then wasm. */
async function pickBackend(): Promise<string> {
  tf.wasm?.setWasmPaths("/vendor/");
  for (const name of ["webgpu", "webgl", "wasm"]) {
    try {
      if (await tf.setBackend(name)) {
        await tf.ready();
        return name;
      }
    } catch { /* not available here: try the next */ }
  }
  return fatal("No tfjs backend could start (webgpu, webgl and wasm all failed).");
}

/** Decoded, ungraded pixels of a file at full size, as grey bytes. */
async function decodeFile(file: File): Promise<{ gray: GrayImage; jpeg: boolean }> {
  const head = new Uint8Array(await file.slice(0, 8).arrayBuffer());
  const jpeg = head[0] === 0xff && head[1] === 0xd8;
  const png = head[0] === 0x89 && head[1] === 0x50 && head[2] === 0x4e && head[3] === 0x47;
  if (!jpeg && !png) throw new Error("not a JPEG or PNG file");
  let bitmap: ImageBitmap;
  try {
    // colorSpaceConversion "none": an embedded ICC profile is ignored, as training ignores it.
    bitmap = await createImageBitmap(file, {
      colorSpaceConversion: "none",
      premultiplyAlpha: "none",
    });
  } catch {
    throw new Error(
      `the browser cannot decode this ${jpeg ? "JPEG" : "PNG"} (damaged or truncated?)`,
    );
  }
  const { width, height } = bitmap;
  const ctx = new OffscreenCanvas(width, height).getContext("2d", { willReadFrequently: true })!;
  ctx.drawImage(bitmap, 0, 0);
  bitmap.close();
  const rgba = ctx.getImageData(0, 0, width, height).data;
  return { gray: { width, height, data: rgbaToGray(rgba) }, jpeg };
}

/** The model input `[1, size, size, 3]` in [-1, 1], grey repeated to RGB. */
function toInput(pixels: Uint8Array, size: number): TF.Tensor4D {
  const x = new Float32Array(size * size * 3);
  for (let i = 0; i < pixels.length; i++) x.fill(pixels[i] / 127.5 - 1, 3 * i, 3 * i + 3);
  return tf.tensor4d(x, [1, size, size, 3]);
}

/** Jet colour of a heat value, as lib/explain/overlay.ts. */
function jet(v: number): [number, number, number] {
  const c = (x: number) => Math.round(255 * Math.min(1, Math.max(0, x)));
  return [c(1.5 - Math.abs(4 * v - 3)), c(1.5 - Math.abs(4 * v - 2)), c(1.5 - Math.abs(4 * v - 1))];
}

/** A canvas with the model's view of the X-ray and, if given, the heat over it. */
function overlay(pixels: Uint8Array, size: number, heat?: Float32Array): HTMLCanvasElement {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = size;
  const ctx = canvas.getContext("2d")!;
  const img = ctx.createImageData(size, size);
  for (let i = 0; i < pixels.length; i++) {
    const a = heat ? 0.6 * Math.sqrt(heat[i]) : 0;
    const [r, g, b] = heat ? jet(heat[i]) : [0, 0, 0];
    img.data.set([
      (1 - a) * pixels[i] + a * r,
      (1 - a) * pixels[i] + a * g,
      (1 - a) * pixels[i] + a * b,
      255,
    ], 4 * i);
  }
  ctx.putImageData(img, 0, 0);
  return canvas;
}

function showResult(r: PageResult, canvas?: HTMLCanvasElement): void {
  const row = document.createElement("div");
  row.className = "result";
  if (canvas) row.append(canvas);
  const text = document.createElement("div");
  text.innerHTML = r.error
    ? `<strong></strong><div class="error"></div>`
    : `<strong></strong><div class="prob"></div><div class="${r.decision}"></div>`;
  text.querySelector("strong")!.textContent = r.name;
  if (r.error) text.querySelector(".error")!.textContent = `Skipped: ${r.error}`;
  else {
    text.querySelector(".prob")!.textContent = `p(PNEUMONIA) = ${r.prob!.toFixed(4)}`;
    text.querySelector(`.${r.decision}`)!.textContent = `decision: ${r.decision}`;
  }
  row.append(text);
  $("results").append(row);
}

async function classify(
  file: File,
  model: TF.LayersModel,
  card: Card,
  cam: CamParts | null,
): Promise<void> {
  const size = card.input.size;
  let pixels: Uint8Array;
  try {
    const { gray, jpeg } = await decodeFile(file);
    pixels = fillResize(gray, size, { jpeg }).data;
  } catch (err) {
    const r = { name: file.name, error: (err as Error).message };
    results.push(r);
    return showResult(r);
  }
  const x = toInput(pixels, size);
  try {
    const y = model.predict(x) as TF.Tensor;
    const prob = (await y.data())[1];
    y.dispose();
    const heat = cam ? await gradCam(tf, cam, x) : undefined;
    const r = { name: file.name, prob, decision: prob >= card.threshold ? "PNEUMONIA" : "NORMAL" };
    results.push(r);
    showResult(r, overlay(pixels, size, heat));
  } finally {
    x.dispose();
  }
}

async function main(): Promise<void> {
  setState("loading");
  const missing = missingApis();
  if (missing.length) {
    fatal(`This browser lacks ${missing.join(", ")}; use a current Chrome, Edge or Firefox.`);
  }
  const backend = await pickBackend();
  let model: TF.LayersModel, card: Card;
  try {
    card = await (await fetch("/model/model-card.json")).json();
    model = await tf.loadLayersModel("/model/model.json");
  } catch (err) {
    return fatal(
      `The model failed to load from /model/ (${
        (err as Error).message
      }). Export it again with 'deno task cxr export' and restart 'deno task serve'.`,
    );
  }
  $("card-text").textContent = JSON.stringify(card, null, 2);
  const cam = camParts(tf, model);
  $("status").textContent =
    `Model: ${card.name}, ${card.input.size} px, threshold ${card.threshold}. ` +
    `Backend: ${backend}. Grad-CAM: ${
      cam ? `layer ${cam.layer}` : "not available for this model"
    }.`;
  document.body.dataset.backend = backend;
  const input = $<HTMLInputElement>("files");
  const run = async (files: File[]) => {
    setState("busy");
    for (const f of files) await classify(f, model, card, cam);
    setState("done");
  };
  input.disabled = false;
  input.addEventListener("change", () => run([...input.files ?? []]));
  const drop = $("drop");
  drop.addEventListener("dragover", (e) => (e.preventDefault(), drop.classList.add("over")));
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    run([...e.dataTransfer?.files ?? []]);
  });
  setState("ready");
}

main().catch((err) => {
  if (document.body.dataset.state !== "failed") {
    fatal(`Unexpected error: ${(err as Error).message}`);
  }
});
