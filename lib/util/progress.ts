/**
 * Progress for long work: a redrawn bar on a terminal, and one line per 10% otherwise (logs,
 * CI, notebooks), so logs stay short and readable.
 *
 * @module
 */

/** Options for {@linkcode progress}. */
export interface ProgressOptions {
  /** Where lines go. Default: stderr. */
  write?: (text: string) => void;
  /** Draw a redrawn bar. Default: whether stderr is a terminal. */
  tty?: boolean;
}

/** A progress reporter; call `tick` as work completes and `done` at the end. */
export interface Progress {
  tick(n?: number): void;
  done(): void;
}

const encoder = new TextEncoder();

/** Starts reporting progress of `total` units of work labelled `label`. */
export function progress(label: string, total: number, options: ProgressOptions = {}): Progress {
  const tty = options.tty ?? Deno.stderr.isTerminal();
  const write = options.write ?? defaultWrite();
  const start = performance.now();
  let count = 0;
  let lastDecile = 0;
  let lastDraw = 0;
  const line = () => {
    const secs = (performance.now() - start) / 1000;
    const rate = secs > 0 ? count / secs : 0;
    const pct = total > 0 ? Math.floor((100 * count) / total) : 100;
    return `${label}: ${count}/${total} (${pct}%) ${secs.toFixed(1)} s, ${rate.toFixed(1)}/s`;
  };
  return {
    tick(n = 1) {
      count += n;
      if (tty) {
        const now = performance.now();
        if (now - lastDraw < 100 && count < total) return;
        lastDraw = now;
        const width = 30;
        const filled = total > 0 ? Math.round((width * Math.min(count, total)) / total) : width;
        write(`\r[${"#".repeat(filled)}${".".repeat(width - filled)}] ${line()}`);
      } else {
        const decile = total > 0 ? Math.floor((10 * count) / total) : 10;
        if (decile > lastDecile) {
          lastDecile = decile;
          write(line() + "\n");
        }
      }
    },
    done() {
      if (tty) write(`\r${line()}\n`);
      else if (lastDecile < 10) write(line() + "\n");
    },
  };
}

/** Raw writes to stderr never reach a notebook from Deno's Jupyter kernel; console.error does. */
function defaultWrite(): (text: string) => void {
  let inKernel = false;
  try {
    inKernel = typeof Deno.jupyter?.display === "function"; // reading Deno.jupyter throws elsewhere
  } catch { /* not in a kernel */ }
  if (inKernel) return (t) => console.error(t.endsWith("\n") ? t.slice(0, -1) : t);
  return (t) => Deno.stderr.writeSync(encoder.encode(t));
}
