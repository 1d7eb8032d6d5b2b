/**
 * Headless Chromium driven over the DevTools protocol with Deno's own WebSocket: launch with a
 * fresh profile, open the page target, send commands, collect console errors.
 *
 * @module
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Debian's Chromium binary names, first found wins. */
const CANDIDATES = ["chromium", "chromium-browser", "google-chrome"];

/** The Chromium executable on PATH; an error saying how to install it when there is none. */
export async function findChromium(): Promise<string> {
  for (const name of CANDIDATES) {
    const r = await new Deno.Command("sh", { args: ["-c", `command -v ${name}`], stdout: "piped" })
      .output();
    const path = new TextDecoder().decode(r.stdout).trim();
    if (r.code === 0 && path) return path;
  }
  throw new Error(
    "Chromium not found on PATH: install it (Debian: apt-get install -y chromium); .ci/run installs it",
  );
}

type Message = {
  id?: number;
  method?: string;
  params?: Record<string, unknown>;
  result?: unknown;
  error?: { message: string };
};

/** One DevTools connection (a page target). */
export class Cdp {
  #ws: WebSocket;
  #next = 1;
  #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  #listeners: ((m: Message) => void)[] = [];

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.onmessage = (e) => {
      const m = JSON.parse(e.data) as Message;
      if (m.id !== undefined) {
        const p = this.#pending.get(m.id);
        this.#pending.delete(m.id);
        if (m.error) p?.reject(new Error(m.error.message));
        else p?.resolve(m.result);
      } else this.#listeners.forEach((f) => f(m));
    };
  }

  static connect(url: string): Promise<Cdp> {
    const ws = new WebSocket(url);
    return new Promise((resolve, reject) => {
      ws.onopen = () => resolve(new Cdp(ws));
      ws.onerror = () => reject(new Error(`cannot connect to ${url}`));
    });
  }

  send<T = Record<string, unknown>>(
    method: string,
    params: Record<string, unknown> = {},
  ): Promise<T> {
    const id = this.#next++;
    this.#ws.send(JSON.stringify({ id, method, params }));
    return new Promise((resolve, reject) =>
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
    );
  }

  on(listener: (m: Message) => void): void {
    this.#listeners.push(listener);
  }

  /** Evaluates `expression` in the page (awaiting a promise) and returns its value. */
  async eval<T>(expression: string): Promise<T> {
    const r = await this.send<{ result: { value: T }; exceptionDetails?: { text: string } }>(
      "Runtime.evaluate",
      { expression, awaitPromise: true, returnByValue: true },
    );
    if (r.exceptionDetails) throw new Error(`page error: ${r.exceptionDetails.text}`);
    return r.result.value;
  }

  /** Polls `expression` until it is truthy, failing after `ms`. */
  async waitFor(expression: string, ms: number): Promise<void> {
    const end = Date.now() + ms;
    while (!(await this.eval<boolean>(expression))) {
      if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${expression}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  close(): void {
    this.#ws.close();
  }
}

/** A running headless Chromium. */
export interface Browser {
  page: Cdp;
  /** Console errors, uncaught exceptions and failed loads seen so far. */
  errors: string[];
  close(): Promise<void>;
}

/** Launches headless Chromium with a fresh profile and attaches to its page. */
export async function launchChromium(): Promise<Browser> {
  const exe = await findChromium();
  const profile = await mkdtemp(join(tmpdir(), "cxr-chromium-"));
  const child = new Deno.Command(exe, {
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      `--user-data-dir=${profile}`,
      "--remote-debugging-port=0",
      "--window-size=1100,900",
      "about:blank",
    ],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  let endpoint: string | undefined;
  const deadline = Date.now() + 30_000;
  while (!endpoint) {
    const { value, done } = await reader.read();
    if (done || Date.now() > deadline) throw new Error(`Chromium did not start:\n${text}`);
    text += value;
    endpoint = text.match(/DevTools listening on (ws:\/\/\S+)/)?.[1];
  }
  // Keep draining stderr so Chromium never blocks on a full pipe.
  (async () => {
    while (!(await reader.read()).done) { /* discard */ }
  })().catch(() => {});
  const port = new URL(endpoint).port;
  const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
  const target = targets.find((t: { type: string }) => t.type === "page");
  const page = await Cdp.connect(target.webSocketDebuggerUrl);
  const errors: string[] = [];
  page.on((m) => {
    const p = m.params ?? {};
    if (m.method === "Runtime.consoleAPICalled" && p.type === "error") {
      errors.push(`console.error: ${JSON.stringify(p.args)}`);
    } else if (m.method === "Runtime.exceptionThrown") {
      errors.push(`exception: ${JSON.stringify(p.exceptionDetails)}`);
    } else if (m.method === "Log.entryAdded" && (p.entry as { level: string }).level === "error") {
      errors.push(`log: ${JSON.stringify(p.entry)}`);
    }
  });
  await page.send("Runtime.enable");
  await page.send("Log.enable");
  await page.send("Page.enable");
  return {
    page,
    errors,
    async close() {
      page.close();
      try {
        child.kill("SIGTERM");
      } catch { /* already gone */ }
      await child.status;
      await rm(profile, { recursive: true, force: true });
    },
  };
}
