import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runCli } from "../../lib/cli/main.ts";
import { SUMMARY_KEYS } from "../metrics/_approx.ts";

/** Runs the CLI with console output captured. */
async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const [log, error] = [console.log, console.error];
  let out = "";
  let err = "";
  console.log = (...a: unknown[]) => void (out += a.join(" ") + "\n");
  console.error = (...a: unknown[]) => void (err += a.join(" ") + "\n");
  try {
    return { code: await runCli(args), out, err };
  } finally {
    [console.log, console.error] = [log, error];
  }
}

Deno.test("cxr metrics --json: exact keys and values; errors name row and column", async () => {
  const dir = await mkdtemp(join(tmpdir(), "cxr-metrics-"));
  try {
    const good = join(dir, "p.csv");
    await writeFile(
      good,
      "path,label,prob_pneumonia\na,NORMAL,0.2\nb,PNEUMONIA,0.2\nc,0,0.6\nd,1,0.6\ne,1,0.9\nf,0,0.1\n",
    );
    const r = await cli([
      "metrics",
      "--predictions",
      good,
      "--json",
      "--bootstrap",
      "20",
      "--seed",
      "1",
    ]);
    assert.equal(r.code, 0);
    const m = JSON.parse(r.out);
    assert.deepEqual(Object.keys(m), [...SUMMARY_KEYS, "ci"]);
    assert.deepEqual(m.confusion_matrix, [[2, 1], [1, 2]]);
    assert.equal(m.roc_auc, 7 / 9);
    assert.equal(m.ci.roc_auc.length, 2);

    const t = await cli(["metrics", "--predictions", good, "--threshold", "0.15"]);
    assert.equal(t.code, 0);
    assert.match(t.out, /threshold = 0\.15/);
    assert.match(t.out, /roc_auc +0\.7778/);

    const bad = join(dir, "bad.csv");
    await writeFile(bad, "label,prob_pneumonia\nNORMAL,0.1\nMAYBE,0.3\n");
    const e = await cli(["metrics", "--predictions", bad, "--json"]);
    assert.equal(e.code, 1);
    assert.equal(e.out, "");
    assert.equal(
      e.err,
      `error: ${bad}: row 2 (line 3), column "label": unknown label "MAYBE"; use NORMAL/PNEUMONIA or 0/1\n`,
    );
    assert.equal((await cli(["metrics"])).code, 2);

    // A huge --bootstrap used to run for minutes; now it is a usage error at once.
    const huge = await cli(["metrics", "--predictions", good, "--bootstrap", "1e9"]);
    assert.equal(huge.code, 2);
    assert.equal(
      huge.err,
      "error: --bootstrap 1e9: expected a whole number of replicates from 0 to 100000 " +
        "(more only adds run time)\n",
    );
    const cap = await cli(["metrics", "--predictions", good, "--json", "--bootstrap", "100000"]);
    assert.equal(cap.code, 0, cap.err);
  } finally {
    await rm(dir, { recursive: true });
  }
});
