/**
 * Explanations: Grad-CAM heatmaps for a tfjs model, their overlay on the X-ray, and a grid of
 * true/false positive/negative examples.
 *
 * @example
 * ```ts
 * import { gradCam, overlayHeatmap } from "./lib/explain/mod.ts";
 * import { toModelInput } from "./lib/models/mod.ts";
 * const x = toModelInput([gray], 224, 1);
 * const [heat] = await gradCam(model, x, { layerName: "out_relu", classIndex: 1 });
 * x.dispose();
 * await Deno.writeFile("cam.png", await overlayHeatmap(gray, heat, 224));
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
