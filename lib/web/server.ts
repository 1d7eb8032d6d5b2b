/**
 * The page's HTTP server: one static page, its bundled script, tfjs' browser builds from the
 * pinned npm packages, and an exported model folder, on 127.0.0.1 by default.
 *
 * @module
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";
import { fail } from "../errors.ts";
import { exists } from "../util/fs.ts";
import { bundlePage } from "./bundle.ts";

const NODE_MODULES = fromFileUrl(new URL("../../node_modules/@tensorflow/", import.meta.url));

/** URL path under /vendor/ -> file in node_modules/@tensorflow (the packages' browser builds). */
export const VENDOR_FILES: Record<string, string> = {
  "tf.min.js": "tfjs/dist/tf.min.js",
  "tf-backend-wasm.min.js": "tfjs-backend-wasm/dist/tf-backend-wasm.min.js",
  "tf-backend-webgpu.min.js": "tfjs-backend-webgpu/dist/tf-backend-webgpu.min.js",
  "tfjs-backend-wasm.wasm": "tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm",
  "tfjs-backend-wasm-simd.wasm": "tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm",
  "tfjs-backend-wasm-threaded-simd.wasm":
    "tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm",
};

/** Files of an exported model folder the page reads. */
export const MODEL_FILES = ["model.json", "weights.bin", "model-card.json"] as const;

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".bin": "application/octet-stream",
};

/** Options for {@linkcode startServer}. */
export interface ServerOptions {
  /** Exported model folder (model.json, weights.bin, model-card.json). */
  modelDir: string;
  /** Port; 0 picks a free one. Default 8000. */
  port?: number;
  /** Interface. Default 127.0.0.1 (this machine only). */
  hostname?: string;
}

/** A running server. */
export interface PageServer {
  url: string;
  shutdown(): Promise<void>;
}

async function checkFiles(modelDir: string): Promise<void> {
  for (const f of MODEL_FILES) {
    if (!(await exists(join(modelDir, f)))) {
      fail(
        `${
          join(modelDir, f)
        } is missing: export a model with 'deno task cxr export --run-dir RUN --out ${modelDir}'`,
      );
    }
  }
  for (const path of Object.values(VENDOR_FILES)) {
    if (!(await exists(join(NODE_MODULES, path)))) {
      fail(
        `${
          join(NODE_MODULES, path)
        } is missing: run 'deno install' in the workspace to fetch the pinned npm packages`,
      );
    }
  }
}

async function fileResponse(path: string): Promise<Response> {
  const ext = path.slice(path.lastIndexOf("."));
  return new Response(await readFile(path), {
    headers: {
      "content-type": TYPES[ext] ?? "application/octet-stream",
      "cache-control": "no-store",
    },
  });
}

/** Serves the page for `modelDir`; resolves once it listens. */
export async function startServer(opts: ServerOptions): Promise<PageServer> {
  await checkFiles(opts.modelDir);
  const html = await readFile(fromFileUrl(new URL("../../web/page/index.html", import.meta.url)));
  const script = await bundlePage();
  const handler = (req: Request): Promise<Response> | Response => {
    const path = new URL(req.url).pathname;
    if (req.method !== "GET") return new Response("method not allowed", { status: 405 });
    if (path === "/" || path === "/index.html") {
      return new Response(html, { headers: { "content-type": TYPES[".html"] } });
    }
    if (path === "/app.js") {
      return new Response(script, { headers: { "content-type": TYPES[".js"] } });
    }
    const [, area, name] = path.split("/");
    if (area === "vendor" && Object.hasOwn(VENDOR_FILES, name)) {
      return fileResponse(join(NODE_MODULES, VENDOR_FILES[name]));
    }
    if (area === "model" && (MODEL_FILES as readonly string[]).includes(name)) {
      return fileResponse(join(opts.modelDir, name));
    }
    return new Response("not found", { status: 404 });
  };
  const hostname = opts.hostname ?? "127.0.0.1";
  const { promise, resolve } = Promise.withResolvers<Deno.NetAddr>();
  const server = Deno.serve({ hostname, port: opts.port ?? 8000, onListen: resolve }, handler);
  const addr = await promise;
  return { url: `http://${hostname}:${addr.port}/`, shutdown: () => server.shutdown() };
}
