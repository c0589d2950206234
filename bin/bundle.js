// Keeps a single-file bundle of the CLI, rebuilt by esbuild whenever a TypeScript source is newer.
// Starting from one file takes half the time of transpiling every module at start-up, which
// matters for a CLI that a scheduler or an ERP calls many times a day.
import { mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const SOURCE_DIRS = ["core", "ingest", "models", "generate", "reports"];
const ENTRY = join(ROOT, "core", "cli.ts");
export const BUNDLE = join(ROOT, "node_modules", ".cache", "arwatch", "cli.mjs");

// Browser-side pages, built output and caches are not part of the CLI.
const NOT_SOURCES = new Set(["src", "dist", "node_modules", ".observablehq"]);

/** @param {string} dir @returns {number} */
function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!NOT_SOURCES.has(entry.name)) newest = Math.max(newest, newestSource(path));
    }
    else if (entry.name.endsWith(".ts")) newest = Math.max(newest, statSync(path).mtimeMs);
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
