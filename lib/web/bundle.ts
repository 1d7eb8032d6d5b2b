/**
 * The page's script as one browser file: `deno bundle --check` of web/page/app.ts, type-checked
 * as its own program with the DOM types (kept out of lib/ so `deno check lib/` never mixes DOM
 * and Deno types). tfjs stays outside it, served from the npm package's own browser build.
 *
 * @module
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath as fromFileUrl } from "node:url";
import { fail } from "../errors.ts";

/** Bundles the page script; fails with deno's own message when it cannot. */
export async function bundlePage(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "cxr-page-"));
  try {
    const out = join(dir, "app.js");
    const entry = fromFileUrl(new URL("../../web/page/app.ts", import.meta.url));
    const { code, stderr } = await new Deno.Command(Deno.execPath(), {
      args: ["bundle", "--quiet", "--check", "--platform", "browser", "-o", out, entry],
      stdout: "null",
      stderr: "piped",
    }).output();
    if (code !== 0) {
      fail(`deno bundle ${entry} failed: ${new TextDecoder().decode(stderr).trim()}`);
    }
    return await readFile(out, "utf8");
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
