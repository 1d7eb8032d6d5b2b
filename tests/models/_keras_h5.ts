import h5wasm, { type Group } from "h5wasm";
import type { NamedWeight } from "../../lib/models/mod.ts";

/** A layer as Keras writes it: its name and weights (named `<layer>/<weight>`). */
export interface KerasLayer {
  name: string;
  weights: NamedWeight[];
}

let counter = 0;

/**
 * The bytes of a Keras-layout weights `.h5` (as `model.save_weights` writes it): root attribute
 * `layer_names`, per-layer attribute `weight_names` (`<layer>/<weight>:0`, an empty float array
 * for a layer without weights, like h5py) and datasets `<layer>/<layer>/<weight>:0`.
 * `chunk` splits layer_names into `layer_names0`, `layer_names1`, ... as Keras does for long lists.
 */
export async function kerasH5(layers: KerasLayer[], chunk?: number): Promise<Uint8Array> {
  const { FS } = await h5wasm.ready;
  const path = `/test-${counter++}.h5`;
  const file = new h5wasm.File(path, "w");
  const names = layers.map((l) => l.name);
  const width = (xs: string[]) => `S${Math.max(1, ...xs.map((x) => x.length))}`;
  if (chunk) {
    for (let i = 0; i * chunk < names.length; i++) {
      const part = names.slice(i * chunk, (i + 1) * chunk);
      file.create_attribute(`layer_names${i}`, part, null, width(part));
    }
  } else file.create_attribute("layer_names", names, null, width(names));
  file.create_attribute("backend", "tensorflow");
  for (const layer of layers) {
    const group = file.create_group(layer.name);
    const weightNames = layer.weights.map((w) => `${w.name}:0`);
    if (weightNames.length === 0) {
      group.create_attribute("weight_names", new Float32Array(0), [0], "<f");
    } else group.create_attribute("weight_names", weightNames, null, width(weightNames));
    for (const w of layer.weights) {
      // h5py creates the intermediate group `<layer>/<layer>`; h5wasm needs it made first.
      const [scope, weight] = w.name.split("/");
      const inner = group.keys().includes(scope)
        ? group.get(scope) as Group
        : group.create_group(scope);
      inner.create_dataset({ name: `${weight}:0`, data: w.data, shape: w.shape, dtype: "<f" });
    }
  }
  file.close();
  const bytes = FS!.readFile(path);
  FS!.unlink(path);
  return bytes;
}
