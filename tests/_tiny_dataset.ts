/** A tiny real-image dataset that training tests make in seconds. */
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import sharp from "sharp";

/** A Kaggle-layout dataset of 20 small gray PNGs per class (PNEUMONIA brighter). */
export async function tinyDataset(root: string): Promise<void> {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 24);
  for (const [label, base] of [["NORMAL", 60], ["PNEUMONIA", 150]] as const) {
    const dir = join(root, "train", label);
    await mkdir(dir, { recursive: true });
    for (let i = 0; i < 20; i++) {
      const px = new Uint8Array(40 * 40).map(() => base + (rand() % 60));
      const name = label === "NORMAL" ? `IM-${1000 + i}-0001.png` : `person${i}_bacteria_${i}.png`;
      await sharp(px, { raw: { width: 40, height: 40, channels: 1 } }).png().toFile(
        join(dir, name),
      );
    }
  }
}
