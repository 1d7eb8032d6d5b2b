import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Buffer } from "node:buffer";
import sharp from "sharp";
import { precisionRecallCurve, reliabilityCurve, rocCurve } from "../../lib/metrics/mod.ts";
import {
  bestEpochOf,
  classBalanceSpec,
  compileSpec,
  confusionMatrixSpec,
  figureBundle,
  figureMetadata,
  prSpec,
  reliabilitySpec,
  renderFigure,
  renderSvg,
  rocSpec,
  svgToPng,
  tradeoffSpec,
  trainingCurvesSpec,
  VEGA_LITE_SCHEMA,
  vegaLiteBundle,
  type VegaLiteSpec,
  writeFigure,
} from "../../lib/plots/mod.ts";

const y = [0, 0, 1, 1, 0, 1];
const p = [0.1, 0.4, 0.35, 0.8, 0.2, 0.9];
const history = [1, 2, 3, 4, 5].map((epoch) => ({
  epoch,
  stage: epoch <= 2 ? 1 : 2,
  loss: 1 / epoch,
  accuracy: 0.7 + epoch / 50,
  val_loss: 1.2 / epoch,
  val_accuracy: [0.6, 0.7, 0.85, 0.8, 0.85][epoch - 1],
}));

const specs: Record<string, VegaLiteSpec> = {
  training_curves: trainingCurvesSpec(history),
  confusion_matrix: confusionMatrixSpec([[30, 10], [3, 57]]),
  roc: rocSpec([{ name: "tiny", curve: rocCurve(y, p), auc: 0.75 }], {
    markers: [{ label: "threshold 0.5", sensitivity: 2 / 3, specificity: 1 }],
  }),
  pr: prSpec([{ name: "tiny", curve: precisionRecallCurve(y, p), ap: 0.8333 }], {
    prevalence: 0.5,
  }),
  reliability: reliabilitySpec(reliabilityCurve(y, p), { ece: 0.123 }),
  class_balance: classBalanceSpec({
    train: { NORMAL: 10, PNEUMONIA: 30 },
    test: { NORMAL: 5, PNEUMONIA: 5 },
  }),
  tradeoff: tradeoffSpec([
    { group: "split A", model: "big", accuracy: 0.97, latencyMs: 50, weightsMb: 9 },
    { group: "split A", model: "small", accuracy: 0.912, latencyMs: 5, weightsMb: 1.5 },
  ]),
};

/** Text content of the SVG's <text> elements (multi-line ones: their <tspan> lines joined by "|"). */
function svgTexts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>(.*?)<\/text>/g)].map((m) =>
    m[1].includes("<tspan")
      ? [...m[1].matchAll(/<tspan[^>]*>([^<]*)<\/tspan>/g)].map((t) => t[1]).join("|")
      : m[1]
  );
}

Deno.test("every figure spec is Vega-Lite v5 and compiles", async () => {
  for (const [name, spec] of Object.entries(specs)) {
    assert.equal((spec as { $schema?: string }).$schema, VEGA_LITE_SCHEMA, name);
    const vega = await compileSpec(spec);
    assert.ok(Array.isArray(vega.marks), `${name}: compiled Vega spec has marks`);
  }
});

Deno.test("figures render SVG with their labels", async () => {
  const texts = async (name: string) => svgTexts(await renderSvg(specs[name]));
  assert.ok((await texts("roc")).includes("tiny (AUC 0.750)"));
  assert.ok((await texts("roc")).includes("threshold 0.5"));
  assert.ok((await texts("pr")).includes("tiny (AP 0.833)"));
  assert.ok((await texts("reliability")).includes("Reliability diagram (ECE 0.123)"));
  const train = await texts("training_curves");
  assert.ok(train.includes("best epoch 3"), "first epoch of the highest val_accuracy");
  assert.ok(train.includes("stage 2 (fine-tune)"));
  const balance = await texts("class_balance");
  assert.ok(balance.includes("30|75%") && balance.includes("5|50%"), balance.join(", "));
  const tradeoff = await texts("tradeoff");
  for (const label of ["0.970", "0.912", "split A", "weights, MB", "big", "small"]) {
    assert.ok(tradeoff.includes(label), `${label} in ${tradeoff.join(", ")}`);
  }
});

Deno.test("confusion matrix: counts, row percentages, white text on dark cells", async () => {
  const svg = await renderSvg(specs.confusion_matrix);
  const cells = [...svg.matchAll(/<text[^>]*fill="(\w+)"[^>]*>([^<]*)<\/text>/g)]
    .map((m) => ({ fill: m[1], text: m[2] }));
  const fillOf = (text: string) => cells.find((c) => c.text === text)?.fill;
  assert.equal(fillOf("57"), "white"); // 57/60 of its row: dark
  assert.equal(fillOf("95.0% of row"), "white");
  assert.equal(fillOf("30"), "white"); // 75%
  assert.equal(fillOf("10"), "black"); // 25%: light
  assert.equal(fillOf("5.0% of row"), "black");
});

Deno.test("bestEpochOf: first epoch with the highest val_accuracy or lowest val_loss", () => {
  assert.equal(bestEpochOf(history), 3);
  assert.equal(bestEpochOf(history, "val_loss"), 5);
  assert.equal(bestEpochOf([]), undefined);
});

Deno.test("writeFigure: .vl.json, .svg and a PNG at twice the SVG size", async () => {
  const dir = await mkdtemp(join(tmpdir(), "cxr-fig-"));
  try {
    const fig = await writeFigure(specs.confusion_matrix, join(dir, "cm"));
    assert.deepEqual(
      JSON.parse(await readFile(join(dir, "cm.vl.json"), "utf8")),
      specs.confusion_matrix,
    );
    const svg = await readFile(join(dir, "cm.svg"), "utf8");
    assert.equal(svg, fig.svg);
    const [, w, h] = svg.match(/<svg[^>]*width="(\d+)" height="(\d+)"/)!.map(Number);
    const png = await readFile(join(dir, "cm.png"));
    const meta = await sharp(png).metadata();
    assert.equal(meta.format, "png");
    assert.deepEqual([meta.width, meta.height], [2 * w, 2 * h]);
  } finally {
    await rm(dir, { recursive: true });
  }
});

Deno.test("svgToPng: text is drawn with real glyphs, not missing-glyph boxes", async () => {
  // Without a font every glyph is the same box, so two strings of equal length look alike.
  const text = (s: string) =>
    `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="30"><rect width="120" height="30" fill="white"/>` +
    `<text x="4" y="22" font-family="sans-serif" font-size="18">${s}</text></svg>`;
  const ink = async (s: string) =>
    await sharp(await svgToPng(text(s), { scale: 1 })).greyscale().raw().toBuffer();
  const [thin, wide] = [await ink("iiii"), await ink("WWWW")];
  const darkCount = (b: Uint8Array) => b.filter((v) => v < 128).length;
  assert.ok(
    darkCount(wide) > 2 * darkCount(thin),
    `glyph ink differs: ${darkCount(thin)} vs ${darkCount(wide)}`,
  );
});

Deno.test("figureBundle: Vega-Lite v5 MIME type with a PNG rendition, no SVG", async () => {
  const spec = specs.roc;
  const figure = await renderFigure(spec);
  const bundle = figureBundle(figure);
  assert.deepEqual(Object.keys(bundle).sort(), [
    "application/vnd.vegalite.v5+json",
    "image/png",
    "text/plain",
  ]);
  assert.deepEqual(bundle["application/vnd.vegalite.v5+json"], spec);
  const png = Buffer.from(String(bundle["image/png"]), "base64");
  assert.deepEqual(png, Buffer.from(figure.png));
  const [, w, h] = figure.svg.match(/<svg[^>]*width="(\d+)" height="(\d+)"/)!.map(Number);
  const meta = await sharp(png).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height], ["png", 2 * w, 2 * h]);
  assert.equal(vegaLiteBundle(spec, Uint8Array.of(1, 2))["image/png"], "AQI=");
  // Shown at the SVG's size: the PNG's extra pixels are for high-density screens.
  assert.deepEqual(figureMetadata(figure), { "image/png": { width: w, height: h } });
  assert.deepEqual(figureMetadata({ svg: "<svg/>" }), {});
});

Deno.test("svgToPng: the palette PNG is smaller and looks the same", async () => {
  const svg = await renderSvg(specs.roc);
  const [pal, full] = [await svgToPng(svg), await svgToPng(svg, { palette: false })];
  assert.ok(pal.length < full.length, `${pal.length} vs ${full.length}`);
  const raw = async (b: Uint8Array) => await sharp(b).removeAlpha().raw().toBuffer();
  const [a, b] = [await raw(pal), await raw(full)];
  assert.equal(a.length, b.length);
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff += Math.abs(a[i] - b[i]);
  assert.ok(diff / a.length < 2, `mean channel difference ${diff / a.length}`);
});

/** Every `axes` entry of a compiled Vega spec, group marks included. */
function vegaAxes(node: unknown): { title?: unknown; values?: unknown }[] {
  if (!node || typeof node !== "object") return [];
  const { axes, marks } = node as { axes?: []; marks?: unknown[] };
  return [...(axes ?? []), ...(marks ?? []).flatMap(vegaAxes)];
}

Deno.test("training curves: the epoch axis ticks are the epochs, each labelled once", async () => {
  const two = history.slice(0, 2);
  const epochAxes = vegaAxes(await compileSpec(trainingCurvesSpec(two)))
    .filter((a) => a.title === "epoch");
  assert.equal(epochAxes.length, 2, "one per panel");
  for (const a of epochAxes) assert.deepEqual(a.values, [1, 2]);
  const ticks = svgTexts(await renderSvg(trainingCurvesSpec(two))).filter((t) => /^\d+$/.test(t));
  // Was "1, 2, 2" per panel: ticks at 1, 1.5, 2 formatted as integers.
  assert.deepEqual(ticks.filter((t) => t === "2").length, 2, ticks.join(", "));
});

Deno.test("reliability diagram: both axes of the curve have titles", async () => {
  const texts = svgTexts(await renderSvg(specs.reliability));
  assert.ok(texts.includes("observed PNEUMONIA fraction"), texts.join(", "));
  assert.ok(texts.includes("mean predicted probability of PNEUMONIA"), texts.join(", "));
});
