/**
 * Keras `.h5` weights files -> named float32 tensors, read with h5wasm (HDF5 compiled to wasm,
 * on its in-memory file system).
 *
 * Keras layout: the root attribute `layer_names` lists the layers in model order; each layer's
 * group has the attribute `weight_names` (e.g. `Conv1/kernel:0`) and holds each weight as the
 * dataset `<layer>/<weight_name>`. Long attributes are split as `name0`, `name1`, ...
 *
 * @module
 */
import h5wasm, { type Dataset, type File, type Group } from "h5wasm";
import { fail } from "../errors.ts";
import type { NamedWeight } from "./weights.ts";

type HasAttrs = { attrs: Record<string, { value: unknown }> };

/** A string-list attribute, joined across Keras' `name0`, `name1`, ... chunks. */
function stringList(obj: HasAttrs, name: string): string[] | undefined {
  const attrs = obj.attrs;
  if (name in attrs) return toStrings(attrs[name].value);
  if (!(`${name}0` in attrs)) return undefined;
  const out: string[] = [];
  for (let i = 0; `${name}${i}` in attrs; i++) out.push(...toStrings(attrs[`${name}${i}`].value));
  return out;
}

function toStrings(value: unknown): string[] {
  // h5py stores an empty list as an empty float array; a single name may come back as a string.
  if (typeof value === "string") return [value];
  return Array.from(value as ArrayLike<unknown>, String);
}

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]; // "\x89HDF\r\n\x1a\n"

/** HDF5 puts its signature at byte 0, 512, 1024, 2048, ... (after an optional user block). */
function isHdf5(bytes: Uint8Array): boolean {
  for (let at = 0; at + SIGNATURE.length <= bytes.length; at = at === 0 ? 512 : at * 2) {
    if (SIGNATURE.every((b, i) => bytes[at + i] === b)) return true;
  }
  return false;
}

let fileCounter = 0;

/**
 * Reads the weights in a Keras `.h5` file (`bytes`), in file order, named
 * `<layer>/<weight>` (the `:0` suffix dropped), as float32. `source` names the file in errors.
 */
export async function convertKerasH5(bytes: Uint8Array, source: string): Promise<NamedWeight[]> {
  if (!isHdf5(bytes)) {
    fail(`${source} is not an HDF5 file (no HDF5 signature); download it again`);
  }
  const { FS } = await h5wasm.ready;
  const path = `/keras-${Deno.pid}-${fileCounter++}.h5`;
  FS!.writeFile(path, bytes);
  let file: File | undefined;
  try {
    file = new h5wasm.File(path, "r");
    // Full-model saves keep the weights under /model_weights.
    const root = (file.keys().includes("model_weights") ? file.get("model_weights") : file) as
      & Group
      & HasAttrs;
    const layerNames = stringList(root, "layer_names") ??
      fail(`${source} has no 'layer_names' attribute: it is not a Keras weights file`);
    const out: NamedWeight[] = [];
    for (const layer of layerNames) {
      const group = root.get(layer) as (Group & HasAttrs) | null;
      if (!group) fail(`${source}: layer '${layer}' is listed in layer_names but has no group`);
      for (const weightName of stringList(group, "weight_names") ?? []) {
        const dataset = group.get(weightName) as Dataset | null;
        if (!dataset) fail(`${source}: dataset '${layer}/${weightName}' is missing`);
        const value = dataset.value;
        if (!(value instanceof Float32Array || value instanceof Float64Array)) {
          fail(`${source}: dataset '${layer}/${weightName}' is not a float array`);
        }
        const short = weightName.replace(/:\d+$/, "").split("/").at(-1);
        out.push({
          name: `${layer}/${short}`,
          shape: dataset.shape ?? [],
          data: value instanceof Float32Array ? value : Float32Array.from(value),
        });
      }
    }
    return out;
  } finally {
    file?.close();
    FS!.unlink(path);
  }
}
