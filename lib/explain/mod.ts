/**
 * Explanations: Grad-CAM heatmaps for a tfjs model, their overlay on the X-ray, and a grid of
 * true/false positive/negative examples.
 *
 * @example
 * ```ts
 * import { baselineCnn, toModelInput } from "../models/mod.ts";
 * import { gradCam, overlayHeatmap } from "./mod.ts";
 * const model = baselineCnn({ inputSize: 64 });
 * const gray = new Uint8Array(64 * 64).map((_, i) => i % 64 < 32 ? 60 : 180);
 * const x = toModelInput([gray], 64, 1);
 * const [heat] = await gradCam(model, x, { classIndex: 1 }); // the last convolutional block
 * x.dispose();
 * const png = await overlayHeatmap(gray, heat, 64);
 * await Deno.writeFile(`${await Deno.makeTempDir()}/cam.png`, png);
 * ```
 *
 * @module
 */
export { defaultCamLayer, disposeGradCam, gradCam, type GradCamOptions } from "./gradcam.ts";
export {
  camClassOf,
  camGrid,
  type GridTile,
  jet,
  type Outcome,
  OUTCOMES,
  overlayHeatmap,
  type OverlayOptions,
  pickExamples,
} from "./overlay.ts";
