/**
 * Turns a kernel's iopub messages into stored nbformat outputs, the way Jupyter front ends do:
 * consecutive stream chunks merge, `update_display_data` rewrites every earlier output with the
 * same `transient.display_id` (in any cell of the notebook), `clear_output` empties the cell
 * (with `wait`, just before the next output arrives).
 *
 * @module
 */
import {
  type CodeCell,
  type DisplayDataOutput,
  type ExecuteResultOutput,
  type Output,
  splitLines,
  storedBundle,
} from "./nbformat.ts";

/** The parts of an iopub message the recorder reads. */
export interface IopubMessage {
  header: { msg_type: string };
  content: Record<string, unknown>;
}

/** Records outputs into the cells of one notebook; keep one per notebook run. */
export class OutputRecorder {
  #displays = new Map<string, (DisplayDataOutput | ExecuteResultOutput)[]>();
  #cell?: CodeCell;
  #clearOnNext = false;

  /** Starts recording into `cell`, dropping its previous outputs. */
  begin(cell: CodeCell): void {
    cell.outputs = [];
    cell.execution_count = null;
    this.#cell = cell;
    this.#clearOnNext = false;
  }

  /** Applies one iopub message; returns the output it added or changed, if any. */
  handle(msg: IopubMessage): Output | undefined {
    const cell = this.#cell;
    if (!cell) throw new Error("OutputRecorder.handle called before begin");
    const c = msg.content;
    switch (msg.header.msg_type) {
      case "execute_input":
        cell.execution_count = (c.execution_count as number) ?? null;
        return;
      case "clear_output":
        if (c.wait) this.#clearOnNext = true;
        else cell.outputs = [];
        return;
      case "update_display_data": {
        const id = displayId(c);
        const targets = id ? this.#displays.get(id) ?? [] : [];
        for (const out of targets) {
          out.data = storedBundle(c.data as Record<string, unknown>);
          out.metadata = (c.metadata as Record<string, unknown>) ?? {};
        }
        return targets[0];
      }
      case "stream": {
        const name = c.name === "stderr" ? "stderr" : "stdout";
        const text = String(c.text ?? "");
        this.#clearIfWaiting(cell);
        const last = cell.outputs.at(-1);
        if (last?.output_type === "stream" && last.name === name) {
          // Append line-wise: long training logs arrive in thousands of chunks.
          const lines = Array.isArray(last.text) ? last.text : splitLines(last.text);
          const added = splitLines(text);
          if (lines.length && !lines[lines.length - 1].endsWith("\n") && added.length) {
            lines[lines.length - 1] += added.shift();
          }
          lines.push(...added);
          last.text = lines;
          return last;
        }
        return this.#push(cell, { output_type: "stream", name, text: splitLines(text) });
      }
      case "display_data":
      case "execute_result": {
        const out = msg.header.msg_type === "display_data"
          ? { output_type: "display_data" as const, data: {}, metadata: {} }
          : {
            output_type: "execute_result" as const,
            execution_count: (c.execution_count as number) ?? null,
            data: {},
            metadata: {},
          };
        out.data = storedBundle((c.data as Record<string, unknown>) ?? {});
        out.metadata = (c.metadata as Record<string, unknown>) ?? {};
        this.#clearIfWaiting(cell);
        const id = displayId(c);
        if (id) this.#displays.set(id, [...(this.#displays.get(id) ?? []), out]);
        return this.#push(cell, out);
      }
      case "error":
        this.#clearIfWaiting(cell);
        return this.#push(cell, {
          output_type: "error",
          ename: String(c.ename ?? "Error"),
          evalue: String(c.evalue ?? ""),
          traceback: Array.isArray(c.traceback) ? c.traceback.map(String) : [],
        });
    }
  }

  #clearIfWaiting(cell: CodeCell): void {
    if (this.#clearOnNext) {
      cell.outputs = [];
      this.#clearOnNext = false;
    }
  }

  #push(cell: CodeCell, out: Output): Output {
    cell.outputs.push(out);
    return out;
  }
}

function displayId(content: Record<string, unknown>): string | undefined {
  const id = (content.transient as { display_id?: unknown } | undefined)?.display_id;
  return typeof id === "string" && id !== "" ? id : undefined;
}
