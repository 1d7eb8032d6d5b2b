import { join } from "node:path";
import { WORKSPACE_ROOT } from "../../lib/paths.ts";

/** The real ImageNet weights artifact beside the workspace (CI clones ../shared next to it). */
export const SHARED_WEIGHTS = join(
  WORKSPACE_ROOT,
  "..",
  "shared",
  "models",
  "mobilenet_v2_imagenet",
);
