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
