/**
 * A tiny Kaggle-layout dataset and a run folder whose "best checkpoint" is a hand-set model
 * that recognises a bright square, shared by the evaluation tests.
 *
 * @module
 */
import { createHash } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";
import { defaultConfig } from "../../lib/config.ts";
import { type ManifestRow, writeSplit } from "../../lib/data/mod.ts";
import { saveModel } from "../../lib/models/mod.ts";
import { squareModel } from "../explain/_square_model.ts";

const SIZE = 32;

/** 64x64 JPEG: dark, with a bright 32x32 square for PNEUMONIA (shifted by `k`). */
function xray(pneumonia: boolean, k: number): Promise<Uint8Array> {
  const px = new Uint8Array(64 * 64);
  for (let i = 0; i < px.length; i++) {
    const [r, c] = [Math.floor(i / 64), i % 64];
    const inSquare = r >= 8 + k && r < 40 + k && c >= 16 && c < 48;
    px[i] = pneumonia && inSquare ? 250 : 5 + ((i * 7) % 11);
  }
  return sharp(px, { raw: { width: 64, height: 64, channels: 1 } }).jpeg({ quality: 95 }).toBuffer()
    .then((b) => new Uint8Array(b));
}

/** Kaggle-layout data root and a run folder (config, splits, history, best checkpoint). */
export async function fixture(dir: string): Promise<{ root: string; runDir: string }> {
  const root = join(dir, "chest_xray");
  const runDir = join(dir, "run");
  const rows: Record<string, ManifestRow[]> = { train: [], val: [], test: [] };
  for (const split of ["train", "test"] as const) {
    for (const label of ["NORMAL", "PNEUMONIA"] as const) {
      for (let i = 0; i < (split === "test" ? 6 : 2); i++) {
        const name = label === "NORMAL"
          ? `IM-0${split === "test" ? 1 : 2}0${i}-0001.jpeg`
          : `person${i}${split}_bacteria_${i}.jpeg`;
        const path = `${split}/${label}/${name}`;
        const bytes = await xray(label === "PNEUMONIA", i);
        await mkdir(join(root, split, label), { recursive: true });
        await writeFile(join(root, path), bytes);
        const sha256 = createHash("sha256").update(bytes).digest("hex");
        rows[split].push({
          path,
          label,
          officialSplit: split,
          patientId: name.split(/[-_]/)[0],
          width: 64,
          height: 64,
          sha256,
        });
      }
    }
  }
  // train/NORMAL and train/PNEUMONIA hold 2 images each: one of each class goes to val.
  const [n0, n1, p0, p1] = rows.train;
  await writeSplit(join(runDir, "splits"), { train: [n1, p1], val: [n0, p0], test: rows.test });
  const config = { ...defaultConfig("quick"), inputSize: SIZE, dataRoot: root, seed: 5 };
  await writeFile(join(runDir, "config.json"), JSON.stringify(config));
  const history = [1, 2, 3].map((epoch) => ({
    epoch,
    stage: epoch === 1 ? 1 : 2,
    loss: 1 / epoch,
    accuracy: 0.5 + epoch / 10,
    val_loss: 1.1 / epoch,
    val_accuracy: 0.4 + epoch / 10,
    lr: 1e-4,
    seconds: 1,
    img_per_s: 10,
  }));
  await writeFile(join(runDir, "history.json"), JSON.stringify(history));
  // logit(PNEUMONIA) - logit(NORMAL) = 20 * (bright - dark) + 15, bright/dark the pooled
  // activations: about 20 * (0.25 - 0.75) + 15 = +5 with the square (a quarter of the image), -5 without.
  const model = squareModel(SIZE, { vote: 10, bias: 7.5 });
  await saveModel(model, join(runDir, "best_mobilenetv2_chestxray"));
  model.dispose();
  return { root, runDir };
}
