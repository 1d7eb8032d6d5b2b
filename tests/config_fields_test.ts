/** The recipe fields of the config: defaults that change nothing, and range checks naming the field. */
import assert from "node:assert/strict";
import {
  defaultConfig,
  loadConfig,
  THRESHOLD_RULES,
  TTA_MODES,
  validateConfig,
  withNewDefaults,
} from "../lib/config.ts";
import { CxrError } from "../lib/errors.ts";

Deno.test("recipe fields: defaults are the no-op values", () => {
  const c = defaultConfig("full");
  assert.equal(c.labelSmoothing, 0);
  assert.equal(c.borderMask, 0);
  assert.equal(c.tta, "none");
  assert.equal(c.threshold, "0.5");
  assert.equal(c.augment.translation, 0);
  assert.equal(c.augment.brightness, 0);
  assert.deepEqual([...TTA_MODES], ["none", "flip"]);
  assert.deepEqual([...THRESHOLD_RULES], ["0.5", "youden", "sens95"]);
});

Deno.test("recipe fields: accepted in range, rejected outside with the field named", async () => {
  const ok = await loadConfig({
    overrides: {
      labelSmoothing: 0.1,
      borderMask: 0.15,
      tta: "flip",
      threshold: "youden",
      augment: { translation: 0.1, brightness: 0.2 } as never,
    },
  });
  assert.equal(ok.labelSmoothing, 0.1);
  assert.equal(ok.augment.translation, 0.1);
  assert.equal(ok.augment.rotation, 10, "other augment fields keep their defaults");
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ labelSmoothing: 0.6 }, /'labelSmoothing' is 0.6; expected a number >= 0 and <= 0.5/],
    [{ labelSmoothing: -0.1 }, /'labelSmoothing'/],
    [{ borderMask: 0.31 }, /'borderMask' is 0.31; expected a number >= 0 and <= 0.3/],
    [{ tta: "rotate" }, /'tta' is "rotate"; expected one of none, flip/],
    [{ threshold: "0.3" }, /'threshold' is "0.3"; expected one of 0.5, youden, sens95/],
    [{ augment: { translation: 0.6 } }, /'augment.translation' is 0.6/],
    [{ augment: { brightness: 1.5 } }, /'augment.brightness' is 1.5/],
  ];
  for (const [overrides, message] of bad) {
    await assert.rejects(loadConfig({ overrides: overrides as never }), (e: Error) => {
      assert.ok(e instanceof CxrError);
      assert.match(e.message, message);
      return true;
    });
  }
});

Deno.test("withNewDefaults: an older config.json gains the new fields' defaults and validates", () => {
  const stored = JSON.parse(JSON.stringify(defaultConfig("fast")));
  delete stored.labelSmoothing;
  delete stored.tta;
  delete stored.augment.translation;
  const c = withNewDefaults(stored);
  assert.equal(c.labelSmoothing, 0);
  assert.equal(c.tta, "none");
  assert.equal(c.augment.translation, 0);
  assert.equal(c.profile, "fast");
  assert.deepEqual(validateConfig(c), defaultConfig("fast"));
});
