/**
 * `deno task cxr metrics --predictions FILE.csv [--threshold 0.5] [--bootstrap N] [--seed S] [--json]`:
 * every metric of a predictions CSV (columns label, prob_pneumonia), as a table or one JSON object.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { fail } from "../errors.ts";
import { bootstrapFlag, isUnit, numberFlag } from "./_flags.ts";
import { formatMetricsTable, readPredictionsCsv, summarizeMetrics } from "../metrics/mod.ts";

const HELP =
  `usage: deno task cxr metrics --predictions FILE.csv [--threshold 0.5] [--bootstrap N] [--seed S] [--json]

  --predictions FILE  CSV with a header holding label (NORMAL/PNEUMONIA or 0/1) and prob_pneumonia
  --threshold T       prob_pneumonia >= T predicts PNEUMONIA (default 0.5)
  --bootstrap N       add 95% stratified bootstrap intervals from N replicates (default: none)
  --seed S            bootstrap seed (default 0)
  --json              print one JSON object instead of a table`;

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      predictions: { type: "string" },
      threshold: { type: "string" },
      bootstrap: { type: "string" },
      seed: { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  if (!values.predictions) fail("missing --predictions FILE.csv (see --help)", { exitCode: 2 });
  const threshold = numberFlag(
    "threshold",
    values.threshold,
    0.5,
    isUnit,
    "a number in [0, 1]",
  );
  const bootstrap = bootstrapFlag(values.bootstrap, 0);
  const seed = numberFlag("seed", values.seed, 0, Number.isInteger, "an integer");
  const rows = await readPredictionsCsv(values.predictions);
  const summary = summarizeMetrics(rows.map((r) => r.label), rows.map((r) => r.prob), {
    threshold,
    bootstrap,
    seed,
  });
  console.log(values.json ? JSON.stringify(summary) : formatMetricsTable(summary));
}
