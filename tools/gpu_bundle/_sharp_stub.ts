/**
 * Stands in for `sharp` in the GPU bundle's scripts (private helper of `build.ts`): sharp is a
 * native addon that a single-file bundle cannot carry, and the GPU run measures no image
 * decoding. Any use throws a CxrError that says so.
 *
 * @module
 */
import { fail } from "../../lib/errors.ts";

function missing(): never {
  fail(
    "sharp is not in the GPU bundle (a native addon): the bench's `prepare` row and " +
      "image decoding need the workspace itself; run `deno task bench --rows prepare` there",
  );
}

/** Throws: see the module doc. */
function sharp(): never {
  missing();
}
sharp.versions = { sharp: "absent (GPU bundle)", vips: "absent (GPU bundle)" };

export default sharp;
