import assert from "node:assert/strict";
import { codeCell } from "../../lib/jupyter/nbformat.ts";
import { type IopubMessage, OutputRecorder } from "../../lib/jupyter/outputs.ts";

const m = (msg_type: string, content: Record<string, unknown>): IopubMessage => ({
  header: { msg_type },
  content,
});

Deno.test("consecutive stream chunks of one stream merge into lines", () => {
  const cell = codeCell("x");
  const r = new OutputRecorder();
  r.begin(cell);
  r.handle(m("stream", { name: "stdout", text: "a\nb" }));
  r.handle(m("stream", { name: "stdout", text: "c\n" }));
  r.handle(m("stream", { name: "stderr", text: "oops\n" }));
  r.handle(m("stream", { name: "stdout", text: "d\n" }));
  assert.deepEqual(cell.outputs, [
    { output_type: "stream", name: "stdout", text: ["a\n", "bc\n"] },
    { output_type: "stream", name: "stderr", text: ["oops\n"] },
    { output_type: "stream", name: "stdout", text: ["d\n"] },
  ]);
});

Deno.test("update_display_data replaces every output with that display id, across cells", () => {
  const r = new OutputRecorder();
  const first = codeCell("a");
  const second = codeCell("b");
  r.begin(first);
  r.handle(
    m("display_data", {
      data: { "text/plain": "v0" },
      metadata: {},
      transient: { display_id: "p" },
    }),
  );
  r.handle(m("display_data", { data: { "text/plain": "other" }, metadata: {}, transient: {} }));
  r.begin(second);
  r.handle(
    m("display_data", {
      data: { "text/plain": "v0 again" },
      metadata: {},
      transient: { display_id: "p" },
    }),
  );
  r.handle(
    m("update_display_data", {
      data: { "text/plain": "v2\nok" },
      metadata: { w: 1 },
      transient: { display_id: "p" },
    }),
  );
  r.handle(
    m("update_display_data", {
      data: { "text/plain": "ignored" },
      metadata: {},
      transient: { display_id: "nope" },
    }),
  );
  const final = {
    output_type: "display_data",
    data: { "text/plain": ["v2\n", "ok"] },
    metadata: { w: 1 },
  };
  assert.deepEqual(first.outputs, [final, {
    output_type: "display_data",
    data: { "text/plain": ["other"] },
    metadata: {},
  }]);
  assert.deepEqual(second.outputs, [final]);
});

Deno.test("clear_output empties the cell now, or before the next output with wait", () => {
  const cell = codeCell("x");
  const r = new OutputRecorder();
  r.begin(cell);
  r.handle(m("stream", { name: "stdout", text: "1\n" }));
  r.handle(m("clear_output", { wait: false }));
  assert.deepEqual(cell.outputs, []);
  r.handle(m("stream", { name: "stdout", text: "2\n" }));
  r.handle(m("clear_output", { wait: true }));
  assert.equal(cell.outputs.length, 1);
  r.handle(m("stream", { name: "stdout", text: "3\n" }));
  assert.deepEqual(cell.outputs, [{ output_type: "stream", name: "stdout", text: ["3\n"] }]);
});

Deno.test("execute_result, error and execute_input are stored in nbformat layout", () => {
  const cell = codeCell("x");
  const r = new OutputRecorder();
  r.begin(cell);
  r.handle(m("execute_input", { code: "x", execution_count: 7 }));
  r.handle(
    m("execute_result", {
      execution_count: 7,
      data: { "text/plain": "42", "application/json": { a: 1 }, "image/png": "iVBO\nRw0" },
      metadata: {},
      transient: {},
    }),
  );
  r.handle(
    m("error", {
      ename: "TypeError",
      evalue: "bad",
      traceback: ["TypeError: bad", "    at <anonymous>:1:1"],
    }),
  );
  r.handle(m("status", { execution_state: "idle" }));
  assert.equal(cell.execution_count, 7);
  assert.deepEqual(cell.outputs, [
    {
      output_type: "execute_result",
      execution_count: 7,
      data: { "text/plain": ["42"], "application/json": { a: 1 }, "image/png": "iVBO\nRw0" },
      metadata: {},
    },
    {
      output_type: "error",
      ename: "TypeError",
      evalue: "bad",
      traceback: ["TypeError: bad", "    at <anonymous>:1:1"],
    },
  ]);
});
