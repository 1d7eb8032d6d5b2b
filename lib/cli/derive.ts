/**
 * `deno task cxr derive --from DIR --run-dir NEW [--tta flip] [--threshold youden]`: an
 * evaluation variant of a trained run (see lib/evaluate/derive.ts).
 *
 * @module
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { THRESHOLD_RULES, type ThresholdRule, TTA_MODES, type TtaMode } from "../config.ts";
import { deriveEvaluationRun } from "../evaluate/mod.ts";
import { fail } from "../errors.ts";
import { requiredFlag } from "./_flags.ts";

const HELP = `usage: deno task cxr derive --from DIR --run-dir NEW [--tta MODE] [--threshold RULE]

Makes NEW an evaluation variant of the trained run DIR: the same best checkpoint, splits,
history and train.log (nothing is retrained), with the evaluation fields changed in its
config.json and the source named in derived.json. Then score it as any run:
  deno task cxr evaluate --run-dir NEW --split val
  deno task cxr evaluate --run-dir NEW --split test

  --from DIR         trained run folder (required)
  --run-dir NEW      new run folder (required; must not exist)
  --tta MODE         ${TTA_MODES.join(" | ")}: mean probability of the image and its mirror (flip)
  --threshold RULE   ${THRESHOLD_RULES.join(" | ")}: the operating point, chosen on validation
                     predictions only (youden: Youden's J; sens95: sensitivity >= 0.95)`;

function choice<T extends string>(flag: string, value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    fail(`--${flag} must be one of ${allowed.join(", ")}, got '${value}'`);
  }
  return value as T;
}

export async function main(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      from: { type: "string" },
      "run-dir": { type: "string" },
      tta: { type: "string" },
      threshold: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) return void console.log(HELP);
  const from = requiredFlag("--from DIR", values.from);
  const to = requiredFlag("--run-dir NEW", values["run-dir"]);
  const changes: { tta?: TtaMode; threshold?: ThresholdRule } = {};
  if (values.tta !== undefined) changes.tta = choice("tta", values.tta, TTA_MODES);
  if (values.threshold !== undefined) {
    changes.threshold = choice("threshold", values.threshold, THRESHOLD_RULES);
  }
  if (Object.keys(changes).length === 0) fail("give --tta and/or --threshold: nothing to change");
  const config = await deriveEvaluationRun({ from: resolve(from), to: resolve(to), changes });
  console.log(`wrote ${to}: tta ${config.tta}, threshold ${config.threshold}; now evaluate it`);
}
