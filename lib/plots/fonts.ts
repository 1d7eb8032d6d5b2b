/**
 * Fonts for headless SVG -> PNG: sharp's librsvg finds fonts through fontconfig, and a fresh
 * machine (CI) may have none installed. A generated fonts.conf points fontconfig at the npm
 * `dejavu-fonts-ttf` package (plus Debian's font folder when present) and maps the generic
 * families onto DejaVu, so text renders the same everywhere.
 *
 * @module
 */
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WORKSPACE_ROOT } from "../paths.ts";

/** Where the npm DejaVu fonts are installed (`nodeModulesDir: "auto"`). */
export const DEJAVU_DIR = join(WORKSPACE_ROOT, "node_modules", "dejavu-fonts-ttf", "ttf");

let configured = false;

/**
 * Points `FONTCONFIG_FILE` at the project fonts.conf, unless the user already set it. Must run
 * before the first text is rendered in the process: fontconfig reads the variable once.
 */
export function ensureFontconfig(): void {
  if (configured || Deno.env.get("FONTCONFIG_FILE")) return;
  const dir = join(tmpdir(), `cxr-fontconfig-${Deno.uid() ?? "user"}`);
  mkdirSync(dir, { recursive: true });
  const fontDirs = [DEJAVU_DIR, "/usr/share/fonts/truetype/dejavu"].filter((d) => existsSync(d));
  const alias = (family: string, font: string) =>
    `  <alias><family>${family}</family><prefer><family>${font}</family></prefer></alias>`;
  const conf = [
    '<?xml version="1.0"?>',
    '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">',
    "<fontconfig>",
    ...fontDirs.map((d) => `  <dir>${d}</dir>`),
    `  <cachedir>${join(dir, "cache")}</cachedir>`,
    alias("sans-serif", "DejaVu Sans"),
    alias("serif", "DejaVu Serif"),
    alias("monospace", "DejaVu Sans Mono"),
    "</fontconfig>",
    "",
  ].join("\n");
  const file = join(dir, "fonts.conf");
  // Written beside and renamed: other processes may be reading the same file.
  const tmp = `${file}.${Deno.pid}`;
  writeFileSync(tmp, conf);
  renameSync(tmp, file);
  Deno.env.set("FONTCONFIG_FILE", file);
  configured = true;
}
