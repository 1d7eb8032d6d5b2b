/**
 * Stands in for `@tensorflow/tfjs-backend-wasm` in the GPU bundle's scripts (private helper of
 * `build.ts`): re-exports the real package and points it at the `.wasm` files copied next to the
 * script, since a bundle has no `node_modules` folder to find them in (and gives Emscripten the
 * `__dirname` it expects). The bundle's import map scopes this file so that its own import of
 * the package is the real one.
 *
 * @module
 */
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { fileURLToPath } from "node:url";

export * from "@tensorflow/tfjs-backend-wasm";

// Inside a bundle, import.meta.url is the bundle file: the .wasm files sit beside it.
const dir = fileURLToPath(new URL("./", import.meta.url));
setWasmPaths(dir);
// Emscripten's Node branch reads the CommonJS `__dirname`, which an ES module bundle lacks.
(globalThis as { __dirname?: string }).__dirname ??= dir;
