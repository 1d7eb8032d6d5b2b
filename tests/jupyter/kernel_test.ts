// Starts Deno's real Jupyter kernel.
import assert from "node:assert/strict";
import { KernelError, startKernel } from "../../lib/jupyter/kernel.ts";

Deno.test("kernel answers, reports its language, and is gone after shutdown", async () => {
  const kernel = await startKernel();
  assert.equal(kernel.info.implementation, "Deno kernel");
  assert.equal((kernel.info.language_info as { name: string }).name, "typescript");
  assert.match(kernel.connection.key, /^[0-9a-f]{64}$/);
  const reply = await kernel.execute("const x = 2;");
  assert.deepEqual([reply.status, reply.execution_count], ["ok", 1]);
  await kernel.shutdown();
  await kernel.shutdown(); // idempotent
  await assert.rejects(
    Deno.connect({ hostname: "127.0.0.1", port: kernel.connection.shell_port }),
    Deno.errors.ConnectionRefused,
  );
});

Deno.test("a kernel that exits mid-cell is reported with a KernelError", async () => {
  const kernel = await startKernel();
  try {
    await assert.rejects(kernel.execute("Deno.exit(3)"), (err: Error) => {
      assert.ok(err instanceof KernelError);
      assert.match(err.message, /exited while the cell ran/);
      return true;
    });
  } finally {
    await kernel.shutdown();
  }
});

Deno.test("each cell receives all its outputs, large last displays included, and nothing else", async () => {
  const kernel = await startKernel();
  try {
    for (let i = 1; i <= 4; i++) {
      const types: string[] = [];
      const texts: string[] = [];
      const reply = await kernel.execute(
        `console.log("cell ${i}");\n` +
          `await Deno.jupyter.display({ "text/plain": "${i}:" + "x".repeat(200_000) }, { raw: true });`,
        {
          onMessage: (m) => {
            types.push(m.header.msg_type);
            if (m.header.msg_type === "stream") texts.push(String(m.content.text));
            if (m.header.msg_type === "display_data") {
              texts.push(
                String((m.content.data as Record<string, string>)["text/plain"]).slice(0, 2),
              );
            }
          },
        },
      );
      assert.equal(reply.execution_count, i, "the flush requests are silent: no count");
      // Besides status and input, exactly its print and its display: never the flush marker.
      assert.deepEqual(types.filter((t) => t === "stream" || t === "display_data"), [
        "stream",
        "display_data",
      ]);
      assert.deepEqual(texts, [`cell ${i}\n`, `${i}:`]);
    }
  } finally {
    await kernel.shutdown();
  }
});
