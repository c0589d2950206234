// Keeps a single-file bundle of the CLI, rebuilt by esbuild whenever a TypeScript source is newer.
// Starting from one file takes half the time of transpiling every module at start-up, which
// matters for a CLI that a scheduler or an ERP calls many times a day.
import { mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
// Every stage folder the CLI may import; a folder that does not exist yet is simply skipped.
const SOURCE_DIRS = ["cli", "core", "ingest", "models", "generate", "reports", "notify", "runs", "credit", "pipeline"];
const ENTRY = join(ROOT, "cli", "main.ts");
export const BUNDLE = join(ROOT, "node_modules", ".cache", "arwatch", "cli.mjs");

// Browser-side pages, built output and caches are not part of the CLI; nor is any hidden folder
// (a site build's working copies live in reports/.build/).
const NOT_SOURCES = new Set(["src", "dist", "node_modules"]);

/**
 * The newest modification time of a .ts file under dir. A folder that vanishes or cannot be read
 * while we walk (another user's leftover, a build cleaning up) is no source: skip it, never crash.
 * @param {string} dir @returns {number}
 */
function newestSource(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  let newest = 0;
  for (const entry of entries) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!NOT_SOURCES.has(entry.name) && !entry.name.startsWith(".")) newest = Math.max(newest, newestSource(path));
    } else if (entry.name.endsWith(".ts")) {
      try {
        newest = Math.max(newest, statSync(path).mtimeMs);
      } catch {
        // Gone between the listing and the stat: not a source any more.
      }
    }
  }
  return newest;
}

function bundleTime() {
  try {
    return statSync(BUNDLE).mtimeMs;
  } catch {
    return 0;
  }
}

/** Returns the bundle's path, building it first if it is missing or older than a source. */
export async function ensureBundle() {
  const newest = Math.max(...SOURCE_DIRS.map((d) => newestSource(join(ROOT, d))));
  if (bundleTime() >= newest) return BUNDLE;
  const { build } = await import("esbuild");
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    write: false,
    logLevel: "silent",
  });
  mkdirSync(dirname(BUNDLE), { recursive: true });
  // Written beside and renamed, so that a CLI started meanwhile never imports half a file.
  const partial = `${BUNDLE}.${process.pid}.partial`;
  const [output] = result.outputFiles;
  if (!output) throw new Error("esbuild produced no bundle");
  writeFileSync(partial, output.contents);
  renameSync(partial, BUNDLE);
  return BUNDLE;
}
