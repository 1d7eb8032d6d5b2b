/**
 * The page in a real headless Chromium: a quick-profile model trained here, served by
 * `deno task serve`, fed 20 test X-rays and a JPEG with an ICC profile through the file input;
 * every probability must equal `cxr predict`'s within 1e-3, with no console error.
 */
import { realDataRoot } from "../_real_data.ts";
import assert from "node:assert/strict";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { outputsDir } from "../../lib/paths.ts";
import { grayIccProfile, withIccProfile } from "../data/_icc.ts";
import { findChromium, launchChromium } from "./_chromium.ts";

const MAIN = resolve("lib/cli/main.ts");

async function run(args: string[]): Promise<string> {
  const r = await new Deno.Command(Deno.execPath(), { args, stdout: "piped", stderr: "piped" })
    .output();
  const out = new TextDecoder().decode(r.stdout);
  if (r.code !== 0) {
    throw new Error(
      `deno ${args.join(" ")} failed:\n${out}\n${new TextDecoder().decode(r.stderr)}`,
    );
  }
  return out;
}

/** 10 NORMAL and 10 PNEUMONIA images of the dataset's test folder, and a profiled JPEG. */
async function pickImages(dir: string): Promise<string[]> {
  const root = join(realDataRoot(), "test");
  const files: string[] = [];
  for (const label of ["NORMAL", "PNEUMONIA"]) {
    const names = (await readdir(join(root, label))).filter((f) => f.endsWith(".jpeg")).sort();
    files.push(...names.slice(0, 10).map((f) => resolve(root, label, f)));
  }
  // The shape of the Kermany NORMAL originals: a grey ICC profile that a colour-managed decode applies.
  const icc = join(dir, "icc_profiled.jpeg");
  await writeFile(icc, withIccProfile(await readFile(files[0]), grayIccProfile(2.2)));
  return [...files, icc];
}

/** Starts `deno task serve` on a free port; resolves with its URL and a stop function. */
async function serve(runDir: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", resolve("lib/web/serve.ts"), "--run-dir", runDir, "--port", "0"],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  let url: string | undefined;
  while (!url) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`serve exited before listening:\n${text}`);
    text += value;
    url = text.match(/serving (http:\/\/127\.0\.0\.1:\d+\/)/)?.[1];
  }
  (async () => {
    while (!(await reader.read()).done) { /* drain */ }
  })().catch(() => {});
  return {
    url,
    stop: async () => {
      child.kill("SIGTERM");
      await child.status;
    },
  };
}

Deno.test("page in headless Chromium: same p(PNEUMONIA) as cxr predict on 20 X-rays and a profiled JPEG", async () => {
  await findChromium(); // fails with install instructions when Chromium is missing
  const dir = await mkdtemp(join(tmpdir(), "cxr-page-"));
  const shots = join(outputsDir(), "tmp", "web-test");
  await mkdir(shots, { recursive: true });
  try {
    const runDir = join(dir, "run");
    await run(["run", "-A", MAIN, "train", "--profile", "quick", "--run-dir", runDir]);
    const files = await pickImages(dir);
    const bad = join(dir, "notes.jpeg");
    await writeFile(bad, "not an image\n");
    const json = join(dir, "predict.json");
    await run(["run", "-A", MAIN, "predict", "--run-dir", runDir, "--out", json, ...files]);
    const expected = JSON.parse(await readFile(json, "utf8")).predictions as {
      path: string;
      prob_pneumonia: number;
    }[];
    assert.equal(expected.length, 21);

    const server = await serve(runDir);
    const browser = await launchChromium();
    try {
      const { page } = browser;
      await page.send("Page.navigate", { url: server.url });
      await page.waitFor(`["ready", "failed"].includes(document.body?.dataset.state)`, 60_000);
      assert.equal(
        await page.eval("document.body.dataset.state"),
        "ready",
        await page.eval("document.body.innerText"),
      );
      const backend = await page.eval<string>("document.body.dataset.backend");
      assert.ok(["webgpu", "webgl", "wasm"].includes(backend), backend);
      assert.match(
        await page.eval<string>("document.body.innerText"),
        /Research use only\. Not a medical device/,
      );
      const { result } = await page.send<{ result: { objectId: string } }>("Runtime.evaluate", {
        expression: "document.getElementById('files')",
      });
      await page.send("DOM.setFileInputFiles", {
        files: [...files, bad],
        objectId: result.objectId,
      });
      await page.waitFor(
        "document.body.dataset.state === 'done' && cxrResults.length === 22",
        90_000,
      );
      const got = await page.eval<{ name: string; prob?: number; error?: string }[]>("cxrResults");
      for (const [i, e] of expected.entries()) {
        assert.equal(got[i].name, e.path.split("/").pop());
        const d = Math.abs(got[i].prob! - e.prob_pneumonia);
        assert.ok(
          d < 1e-3,
          `${e.path}: page ${got[i].prob} vs predict ${e.prob_pneumonia} (|d| ${d})`,
        );
      }
      assert.deepEqual(got[21], { name: "notes.jpeg", error: "not a JPEG or PNG file" });
      assert.deepEqual(browser.errors, [], "console errors");
      const shot = await page.send<{ data: string }>("Page.captureScreenshot", { format: "png" });
      await writeFile(
        join(shots, "page.png"),
        Uint8Array.from(atob(shot.data), (c) => c.charCodeAt(0)),
      );
      console.log(
        `backend ${backend}; max |dp| ${
          Math.max(...expected.map((e, i) => Math.abs(got[i].prob! - e.prob_pneumonia)))
            .toExponential(2)
        }; screenshot ${join(shots, "page.png")}`,
      );
    } finally {
      await browser.close();
      await server.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
