import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import * as aq from "arquero";
import { imageBundle, markdownBundle, show, tableBundle } from "../../lib/notebook/display.ts";

Deno.test("tableBundle renders HTML and a Markdown text fallback, with a row limit note", () => {
  const b = tableBundle(
    [{ split: "train", n: 3 }, { split: "test", n: 1 }, { split: "val", n: 2 }],
    { limit: 2, caption: "Images" },
  );
  assert.equal(
    b["text/plain"],
    "Images — showing 2 of 3 rows\n|split|n|\n|:-|-:|\n|train|3|\n|test|1|\n",
  );
  const html = b["text/html"] as string;
  assert.ok(html.startsWith("<p><b>Images — showing 2 of 3 rows</b></p><table>"));
  assert.equal(html.match(/<tr>/g)?.length, 3); // header + 2 rows
  assert.ok(!html.includes("val"));
  const same = tableBundle(aq.table({ a: [1] }));
  assert.equal(same["text/plain"], "|a|\n|-:|\n|1|\n");
  const escaped = tableBundle([{ a: "<x>" }], { caption: "a&b" })["text/html"] as string;
  assert.ok(escaped.startsWith("<p><b>a&amp;b</b></p><table>"));
  assert.ok(escaped.includes("&lt;x&gt;") && !escaped.includes("<x>"));
});

Deno.test("imageBundle base64-encodes PNG bytes and rejects other bytes", () => {
  const png = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2);
  const b = imageBundle(png, { alt: "grid" });
  assert.deepEqual(Buffer.from(b["image/png"] as string, "base64"), Buffer.from(png));
  assert.equal(b["text/plain"], "grid");
  assert.throws(() => imageBundle(Uint8Array.of(0xff, 0xd8, 0xff, 0xe0, 0, 0, 0, 0)), /not a PNG/);
});

Deno.test("markdownBundle carries text/markdown with a text fallback", () => {
  assert.deepEqual(markdownBundle("**x**"), { "text/markdown": "**x**", "text/plain": "**x**" });
});

Deno.test("show prints text/plain outside a kernel", async () => {
  const logged: unknown[] = [];
  const original = console.log;
  console.log = (...args: unknown[]) => logged.push(...args);
  try {
    await show(markdownBundle("hello"));
  } finally {
    console.log = original;
  }
  assert.deepEqual(logged, ["hello"]);
});
