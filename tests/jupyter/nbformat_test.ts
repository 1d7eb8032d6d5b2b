import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import {
  codeCell,
  markdownCell,
  newNotebook,
  readNotebook,
  splitLines,
  storedBundle,
  validateNotebook,
  writeNotebook,
} from "../../lib/jupyter/nbformat.ts";

Deno.test("splitLines keeps newlines on each line, as Jupyter stores text", () => {
  assert.deepEqual(splitLines("a\nb\n"), ["a\n", "b\n"]);
  assert.deepEqual(splitLines("a\n\nb"), ["a\n", "\n", "b"]);
  assert.deepEqual(splitLines(""), []);
});

Deno.test("storedBundle splits text MIME types, keeps JSON objects and base64 strings", () => {
  assert.deepEqual(
    storedBundle({
      "text/html": "<b>\n</b>",
      "image/svg+xml": "<svg/>",
      "image/png": "AA\nBB",
      "application/vnd.vegalite.v5+json": { mark: "bar" },
      "x/none": undefined,
    }),
    {
      "text/html": ["<b>\n", "</b>"],
      "image/svg+xml": ["<svg/>"],
      "image/png": "AA\nBB",
      "application/vnd.vegalite.v5+json": { mark: "bar" },
    },
  );
});

Deno.test("a written notebook reads back equal, in Jupyter's sorted one-space layout", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const nb = newNotebook([markdownCell("# T", "m1"), codeCell("const a = 1;\na", "c1")]);
    const path = join(dir, "t.ipynb");
    await writeNotebook(path, nb);
    const text = await readFile(path, "utf8");
    assert.ok(text.startsWith('{\n "cells": [\n  {\n   "cell_type": "markdown",\n   "id": "m1",'));
    assert.ok(text.endsWith("}\n"));
    assert.deepEqual(await readNotebook(path), nb);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("validateNotebook names each broken part", () => {
  assert.deepEqual(validateNotebook(newNotebook([codeCell("1")])), []);
  const bad = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {},
    cells: [
      { cell_type: "code", id: "a", source: "", metadata: {}, execution_count: 1.5, outputs: [] },
      {
        cell_type: "code",
        id: "a",
        source: "",
        metadata: {},
        execution_count: null,
        outputs: [
          { output_type: "stream", name: "stdlog", text: "x" },
          { output_type: "execute_result", data: { "text/plain": "1" }, metadata: {} },
          {
            output_type: "display_data",
            data: { "application/json": "x" },
            metadata: {},
            transient: {},
          },
          { output_type: "error", ename: "E", evalue: "v" },
        ],
      },
      { cell_type: "markdown", id: "bad id!", source: [], metadata: {}, outputs: [] },
    ],
  };
  assert.deepEqual(validateNotebook(bad), [
    "cell 1: execution_count must be an integer or null",
    "cell 2: duplicate id 'a'",
    "cell 2 output 1: bad stream name",
    "cell 2 output 2: execute_result needs 'execution_count'",
    "cell 2 output 2: execution_count must be an integer or null",
    "cell 2 output 3: 'application/json' must be an object",
    "cell 2 output 3: 'transient' must not be stored",
    "cell 2 output 4: error needs 'traceback'",
    "cell 2 output 4: traceback must be a list of strings",
    "cell 3: id must be 1-64 letters, digits, '-' or '_'",
    "cell 3: a markdown cell has no outputs or execution_count",
  ]);
});

Deno.test("readNotebook rejects a non-notebook and upgrades 4.4 to 4.5 with cell ids", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const bad = join(dir, "bad.ipynb");
    await Deno.writeTextFile(bad, JSON.stringify({ nbformat: 3, cells: [] }));
    await assert.rejects(
      readNotebook(bad),
      /bad\.ipynb is not a valid nbformat 4 notebook: nbformat is 3/,
    );
    const old = join(dir, "old.ipynb");
    await Deno.writeTextFile(
      old,
      JSON.stringify({
        nbformat: 4,
        nbformat_minor: 4,
        metadata: {},
        cells: [{
          cell_type: "code",
          source: "1",
          metadata: {},
          execution_count: null,
          outputs: [],
        }],
      }),
    );
    const nb = await readNotebook(old);
    assert.equal(nb.nbformat_minor, 5);
    assert.match(nb.cells[0].id, /^[a-f0-9]{16}$/);
    assert.deepEqual(validateNotebook(nb), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
