// Three AdamW steps on fresh variables (a bias, a BatchNorm gamma, a conv kernel), shared by the
// fused-update tests of each backend.
import * as tf from "@tensorflow/tfjs";
import { adamW } from "../../lib/optim/mod.ts";

/** The variables' values after three steps, with the fused update on or off. */
export async function threeSteps(fuse: boolean, tag: string): Promise<Float32Array[]> {
  const shapes = [[3], [70], [5, 5, 4, 9]];
  const vars = tf.tidy(() =>
    shapes.map((shape, i) =>
      tf.variable(
        tf.randomUniform(shape, -1, 1, "float32", 7 + i),
        true,
        `${tag}/${["dense/bias", "bn/gamma", "conv/kernel"][i]}`,
      )
    )
  );
  const opt = adamW({ learningRate: 0.05, weightDecay: 0.1, fuse });
  const loss = () =>
    tf.addN(vars.map((v, i) => v.sub(0.3 * i).square().mul(i + 1).sum())) as tf.Scalar;
  for (let t = 0; t < 3; t++) opt.minimize(loss, false, vars);
  const out = await Promise.all(vars.map(async (v) => await v.data() as Float32Array));
  opt.dispose();
  tf.dispose(vars);
  return out;
}

/** The start values of the second variable, to check that the steps moved it. */
export async function secondStart(): Promise<Float32Array> {
  const initial = tf.randomUniform([70], -1, 1, "float32", 8);
  const start = await initial.data() as Float32Array;
  initial.dispose();
  return start;
}
