// Keeps a bundle of the CLI, rebuilt by esbuild whenever a TypeScript source is newer. Starting
// from a bundle takes half the time of transpiling every module at start-up, which matters for a
// CLI that a scheduler or an ERP calls many times a day. The bundle is split where the commands
// import their stages lazily, so that a command loads only its own stages and the packages they
// use: `arwatch build` never loads the e-mail library or the XLSX reader (~0.2 s of imports).
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
// Every stage folder the CLI may import; a folder that does not exist yet is simply skipped.
const SOURCE_DIRS = ["cli", "core", "ingest", "models", "generate", "reports", "notify", "runs", "credit", "pipeline"];
const ENTRY = join(ROOT, "cli", "main.ts");
const CACHE = join(ROOT, "node_modules", ".cache", "arwatch");
/** The entry point: one line importing the current build's entry (each build is a folder of its own). */
export const BUNDLE = join(CACHE, "cli.mjs");
/**
 * A build folder that is not the current one is removed once no CLI has used it for this long: a
 * CLI touches its folder when it starts and every hour while it runs (holdBundle), because a
 * long-running one (arwatch schedule) imports a stage's chunk only when a run first needs it.
 */
const OLD_BUILD_MS = 24 * 60 * 60 * 1000;
const HOLD_EVERY_MS = 60 * 60 * 1000;
// A build's folder is named by its content; while it is written, by the writing process too.
const BUILD_NAME = "cli-[0-9a-f]{16}";
const buildFolder = new RegExp(`^${BUILD_NAME}$`);
const partialFolder = new RegExp(`^\\.${BUILD_NAME}\\.\\d+\\.partial$`);
const entryLine = new RegExp(`^import "\\./(${BUILD_NAME})/cli\\.mjs";`);

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

/**
 * The build the entry point names, when its folder is there: its entry module's path and when the
 * entry point was written. A missing folder (removed by hand) counts as no bundle: rebuilt.
 * @param {string} [entry]
 * @returns {{ path: string; writtenAt: number } | null}
 */
export function currentBuild(entry = BUNDLE) {
  try {
    const name = entryLine.exec(readFileSync(entry, "utf8"))?.[1];
    if (!name) return null;
    const path = join(dirname(entry), name, "cli.mjs");
    if (!existsSync(path)) return null;
    return { path, writtenAt: statSync(entry).mtimeMs };
  } catch {
    return null;
  }
}

/**
 * Returns the path of the current build's entry module (the one the entry point names), building
 * it first if it is missing or older than a source. The caller imports that path, not the entry
 * point, so that what it marks as in use (holdBundle) is what it runs, whatever a CLI started
 * meanwhile writes.
 */
export async function ensureBundle() {
  const newest = Math.max(...SOURCE_DIRS.map((d) => newestSource(join(ROOT, d))));
  const current = currentBuild();
  if (current && current.writtenAt >= newest) return current.path;
  const { build } = await import("esbuild");
  const result = await build({
    entryPoints: { cli: ENTRY },
    bundle: true,
    splitting: true,
    outdir: "/",
    chunkNames: "chunk-[hash]",
    outExtension: { ".js": ".mjs" },
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    write: false,
    logLevel: "silent",
  });
  if (!result.outputFiles.some((f) => f.path === "/cli.mjs")) throw new Error("esbuild produced no bundle");
  // A folder named by the content: the chunks import each other by relative path, so a build is
  // written whole in a folder of this process's, renamed into place, and only then pointed at.
  const hash = createHash("sha256");
  for (const f of result.outputFiles) hash.update(f.path).update(f.contents);
  const name = `cli-${hash.digest("hex").slice(0, 16)}`;
  const folder = join(CACHE, name);
  mkdirSync(CACHE, { recursive: true });
  const partial = join(CACHE, `.${name}.${process.pid}.partial`);
  mkdirSync(partial, { recursive: true });
  for (const f of result.outputFiles) writeFileSync(join(partial, f.path), f.contents);
  try {
    renameSync(partial, folder);
  } catch (e) {
    // Another CLI built the same sources (now or long ago): its folder holds the same files. Marked
    // as in use at once, so that no CLI removes it as unused meanwhile.
    rmSync(partial, { recursive: true, force: true });
    if (!existsSync(join(folder, "cli.mjs"))) throw e;
    holdBundle(join(folder, "cli.mjs"), { once: true });
  }
  // Written beside and renamed, so that a CLI started meanwhile never imports half a file.
  const entry = `${BUNDLE}.${process.pid}.partial`;
  writeFileSync(entry, `import "./${name}/cli.mjs";\n`);
  renameSync(entry, BUNDLE);
  removeOldBuilds(name);
  return join(folder, "cli.mjs");
}

/**
 * Marks the build folder of an entry module (ensureBundle's path) as in use, now and, unless once,
 * every hour while this process runs (the timer never keeps the process alive). A folder that
 * cannot be touched (another user's) is left to its owner's CLIs.
 * @param {string} entryModule
 * @param {{ once?: boolean }} [options]
 */
export function holdBundle(entryModule, options = {}) {
  const folder = dirname(entryModule);
  const touch = () => {
    try {
      const now = new Date();
      utimesSync(folder, now, now);
    } catch {
      // Not ours to touch, or gone: nothing to hold.
    }
  };
  touch();
  if (!options.once) setInterval(touch, HOLD_EVERY_MS).unref();
}

/**
 * Removes build folders other than the current one that no CLI has used for a day (holdBundle),
 * and folders left by a CLI killed while writing one: only names this file gives its folders.
 * @param {string} current
 * @param {string} [cache]
 */
export function removeOldBuilds(current, cache = CACHE) {
  let entries;
  try {
    entries = readdirSync(cache, { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name === current) continue;
    if (!buildFolder.test(entry.name) && !partialFolder.test(entry.name)) continue;
    try {
      const path = join(cache, entry.name);
      if (Date.now() - statSync(path).mtimeMs > OLD_BUILD_MS) rmSync(path, { recursive: true, force: true });
    } catch {
      // Removed by another CLI meanwhile, or not ours to remove: leave it.
    }
  }
}
