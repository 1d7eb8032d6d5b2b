/**
 * Import cycles among a workspace's own modules, from the module graph `deno info --json`
 * reports (static and type-only imports alike: a cycle of either kind makes two modules one).
 *
 * @module
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { fail } from "../errors.ts";

/** Module specifier -> the specifiers it imports. */
export type ImportGraph = ReadonlyMap<string, readonly string[]>;

/** The part of `deno info --json` read here. */
interface DenoInfo {
  modules: {
    specifier: string;
    dependencies?: { code?: { specifier: string }; type?: { specifier: string } }[];
  }[];
}

/**
 * The import graph of `files` and everything they import, restricted to `file:` modules, from
 * one `deno info --json` run (over a temporary module importing them all).
 */
export async function importGraph(files: readonly string[]): Promise<ImportGraph> {
  const dir = await mkdtemp(join(tmpdir(), "cxr-imports-"));
  try {
    const root = join(dir, "all.ts");
    await writeFile(root, files.map((f) => `import "${pathToFileURL(f).href}";\n`).join(""));
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["info", "--json", root],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) {
      fail(`deno info failed on ${files.length} modules: ${new TextDecoder().decode(out.stderr)}`);
    }
    const info = JSON.parse(new TextDecoder().decode(out.stdout)) as DenoInfo;
    const rootUrl = pathToFileURL(root).href;
    const local = (s: string) => s.startsWith("file:") && s !== rootUrl;
    const graph = new Map<string, string[]>();
    for (const m of info.modules) {
      if (!local(m.specifier)) continue;
      const deps = (m.dependencies ?? []).flatMap((d) => [d.code?.specifier, d.type?.specifier]);
      graph.set(m.specifier, [...new Set(deps.filter((s): s is string => !!s && local(s)))]);
    }
    return graph;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The cycles of `graph`: each strongly connected component of more than one module (or a
 * module importing itself), as its modules sorted. Tarjan's algorithm, iterative.
 */
export function importCycles(graph: ImportGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  let next = 0;
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work: { node: string; i: number }[] = [{ node: start, i: 0 }];
    index.set(start, next);
    low.set(start, next++);
    stack.push(start);
    onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const deps = graph.get(frame.node) ?? [];
      if (frame.i < deps.length) {
        const dep = deps[frame.i++];
        if (!index.has(dep)) {
          index.set(dep, next);
          low.set(dep, next++);
          stack.push(dep);
          onStack.add(dep);
          work.push({ node: dep, i: 0 });
        } else if (onStack.has(dep)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(dep)!));
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.node, Math.min(low.get(parent.node)!, low.get(frame.node)!));
      if (low.get(frame.node) !== index.get(frame.node)) continue;
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== frame.node);
      const selfImport = (graph.get(frame.node) ?? []).includes(frame.node);
      if (component.length > 1 || selfImport) cycles.push(component.sort());
    }
  }
  return cycles;
}
