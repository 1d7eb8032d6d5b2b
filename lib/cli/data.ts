/**
 * `deno task cxr data fetch [--url URL] [--sha256 H] [--out DIR]`: download and unpack the
 * Kermany chest X-ray set (needs internet).
 *
 * @module
 */
import { parseArgs } from "node:util";
import { CxrError } from "../errors.ts";
import {
  archiveNameOf,
  type ArchiveSource,
  fetchDataset,
  kaggleSource,
  MENDELEY_SOURCE,
} from "../data/mod.ts";
import { dataRoot } from "../paths.ts";

const HELP = `usage: deno task cxr data fetch [--source mendeley|kaggle] [--url URL] [--sha256 H]
                                 [--size BYTES] [--out DIR]

Downloads the Kermany chest X-ray archive (resumable: rerun after an interruption), verifies
its size and sha256, unpacks it and moves the dataset folder to --out.

  --source S   mendeley (default; Mendeley Data doi 10.17632/rscbjbr9sj.2, about 1.2 GB) or
               kaggle (default when KAGGLE_USERNAME and KAGGLE_KEY are set; Kaggle API)
  --url URL    download this archive (zip or tar.gz) instead
  --sha256 H   expected sha256 of the archive (default: the known hash for mendeley)
  --size N     expected archive size in bytes (default: the server's Content-Length)
  --out DIR    dataset folder to create (default: $CXR_DATA_DIR, else data/chest_xray)
`;

function pickSource(values: { source?: string; url?: string; sha256?: string }): ArchiveSource {
  if (values.url) {
    try {
      return { url: values.url, fileName: archiveNameOf(values.url), sha256: values.sha256 };
    } catch {
      throw new CxrError(`--url '${values.url}' is not a valid URL`, { exitCode: 2 });
    }
  }
  const user = Deno.env.get("KAGGLE_USERNAME");
  const key = Deno.env.get("KAGGLE_KEY");
  const source = values.source ?? (user && key ? "kaggle" : "mendeley");
  if (source === "mendeley") {
    return { ...MENDELEY_SOURCE, sha256: values.sha256 ?? MENDELEY_SOURCE.sha256 };
  }
  if (source === "kaggle") {
    if (!user || !key) {
      throw new CxrError(
        "--source kaggle needs KAGGLE_USERNAME and KAGGLE_KEY in the environment",
        {
          exitCode: 2,
        },
      );
    }
    return { ...kaggleSource(user, key), sha256: values.sha256 };
  }
  throw new CxrError(`--source '${source}' must be mendeley or kaggle`, { exitCode: 2 });
}

export async function main(args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === "--help" || sub === "-h") return void console.log(HELP);
  if (sub !== "fetch") {
    throw new CxrError(`unknown 'data' subcommand '${sub}'; use: deno task cxr data fetch`, {
      exitCode: 2,
    });
  }
  const { values } = parseArgs({
    args: rest,
    options: {
      source: { type: "string" },
      url: { type: "string" },
      sha256: { type: "string" },
      size: { type: "string" },
      out: { type: "string" },
      help: { type: "boolean" },
    },
    strict: true,
  });
  if (values.help) return void console.log(HELP);
  const size = values.size === undefined ? undefined : Number(values.size);
  if (size !== undefined && !(Number.isInteger(size) && size > 0)) {
    throw new CxrError(`--size '${values.size}' must be a positive number of bytes`, {
      exitCode: 2,
    });
  }
  const source = pickSource(values);
  const out = dataRoot(values.out);
  console.log(`fetching ${source.url}`);
  const got = await fetchDataset({ source, out, size });
  const resumed = got.archive.resumedFrom > 0
    ? `, resumed from byte ${got.archive.resumedFrom}`
    : "";
  console.log(
    `archive ${got.archive.path}: ${got.archive.size} bytes, sha256 ${got.archive.sha256}${resumed}`,
  );
  console.log(
    `dataset ready at ${got.root}${got.files >= 0 ? ` (${got.files} files unpacked)` : ""}`,
  );
  console.log(`next: deno task cxr manifest --data ${got.root}`);
}
