import assert from "node:assert/strict";
import { Rng, withSeededRandom } from "../../lib/util/rng.ts";

Deno.test("Rng repeats for a seed and resumes from a saved state", () => {
  const a = new Rng(7);
  const b = new Rng(7);
  const first = [a.next(), a.next(), a.next()];
  assert.deepEqual(first, [b.next(), b.next(), b.next()]);
  const resumed = Rng.fromState(a.state);
  assert.equal(resumed.next(), a.next());
  assert.notEqual(new Rng(8).next(), new Rng(7).next());
});

Deno.test("Rng.next stays in [0, 1) and is roughly uniform", () => {
  const rng = new Rng(1);
  let sum = 0;
  for (let i = 0; i < 10000; i++) {
    const x = rng.next();
    assert.ok(x >= 0 && x < 1);
    sum += x;
  }
  assert.ok(Math.abs(sum / 10000 - 0.5) < 0.02);
});

Deno.test("Rng.shuffle is a permutation", () => {
  const xs = Array.from({ length: 50 }, (_, i) => i);
  const shuffled = new Rng(3).shuffle([...xs]);
  assert.notDeepEqual(shuffled, xs);
  assert.deepEqual([...shuffled].sort((p, q) => p - q), xs);
});

Deno.test("withSeededRandom: Math.random draws from the seeded generator, then is restored", async () => {
  const original = Math.random;
  const expected = new Rng(9);
  const drawn = await withSeededRandom(9, () => Promise.resolve([Math.random(), Math.random()]));
  assert.deepEqual(drawn, [expected.next(), expected.next()]);
  assert.equal(Math.random, original);
  await assert.rejects(withSeededRandom(9, () => Promise.reject(new Error("boom"))), /boom/);
  assert.equal(Math.random, original);
});
