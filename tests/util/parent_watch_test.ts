import assert from "node:assert/strict";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { WORKSPACE_ROOT } from "../../lib/paths.ts";

Deno.test("a child named after its parent stops once that parent is gone", async () => {
  const dir = await Deno.makeTempDir({ prefix: "cxr-parent-" });
  try {
    const child = join(dir, "child.ts");
    const module = join(WORKSPACE_ROOT, "lib", "util", "parent_watch.ts");
    await writeFile(
      child,
      `import { exitWhenParentGone } from ${JSON.stringify(module)};\n` +
        `exitWhenParentGone(100);\n` +
        // Busy without yielding, as a training step is: the watch must still fire.
        `const end = Date.now() + 8000;\nwhile (Date.now() < end) {}\n` +
        `console.log("still running");\n`,
    );
    const out = join(dir, "out.txt");
    // The shell starts the child naming itself, then exits at once: the child is orphaned.
    const shell = await new Deno.Command("bash", {
      args: [
        "-c",
        `CXR_PARENT_PID=$$ ${Deno.execPath()} run -A ${child} >${out} 2>&1 & echo $!; sleep 1`,
      ],
      stdout: "piped",
    }).output();
    const pid = Number(new TextDecoder().decode(shell.stdout).trim());
    let alive = true;
    for (let i = 0; i < 100 && alive; i++) {
      await new Promise((r) => setTimeout(r, 100));
      alive = (await new Deno.Command("kill", { args: ["-0", String(pid)], stderr: "null" })
        .output()).success;
    }
    assert.ok(!alive, "the orphaned child kept running");
    const text = await readFile(out, "utf8");
    assert.match(text, /the sweep that started this command \(pid \d+\) is gone; stopping/);
    assert.doesNotMatch(text, /still running/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
