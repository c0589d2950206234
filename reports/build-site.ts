import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Config } from "../core/config.ts";
import type { Logger } from "../core/log.ts";
import { PACKAGE_ROOT } from "../core/paths.ts";
import { dropTempTables, type Warehouse } from "../core/warehouse.ts";
import { exportSiteData } from "./export-data.ts";
import { writeShards } from "./export-shards.ts";
import { stubNpmCache } from "./npm-cache-stubs.ts";

export const REPORTS_DIR = join(PACKAGE_ROOT, "reports");
export const DEFAULT_SITE_OUT = join(REPORTS_DIR, "dist");
const FRAMEWORK_CLI = join(PACKAGE_ROOT, "node_modules", "@observablehq", "framework", "dist", "bin", "observable.js");

/** Framework's own environment: no telemetry, and the output folder the config reads. */
function frameworkEnv(outDir: string): NodeJS.ProcessEnv {
  return { ...process.env, OBSERVABLE_TELEMETRY_DISABLE: "true", ARWATCH_REPORT_OUT: outDir };
}

/** Runs Framework's CLI in a project folder; its output goes to the log, a failure throws. */
export function runFramework(command: "build" | "preview", outDir: string, log: Logger, projectDir = REPORTS_DIR): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [FRAMEWORK_CLI, command], { cwd: projectDir, env: frameworkEnv(outDir) });
    let output = "";
    const collect = (chunk: Buffer) => {
      output += chunk.toString();
      if (command === "preview") log.info(chunk.toString().trimEnd());
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    child.on("error", fail);
    child.on("close", (code) => {
      if (code === 0) return done();
      const lastLines = output.trim().split("\n").slice(-5).join(" | ");
      fail(new Error(`the report site did not build (Framework exited ${code}): ${lastLines}`));
    });
  });
}

/**
 * A private copy of the site's project for one build, inside reports/ so that Framework finds
 * node_modules above it: two builds at once (a scheduler and a test, say) never share data files.
 */
function workingCopy(): string {
  const parent = join(REPORTS_DIR, ".build");
  mkdirSync(parent, { recursive: true });
  const work = mkdtempSync(join(parent, "site-"));
  cpSync(join(REPORTS_DIR, "observablehq.config.js"), join(work, "observablehq.config.js"));
  cpSync(join(REPORTS_DIR, "src"), join(work, "src"), {
    recursive: true,
    filter: (source) => !/[\\/](data|\.observablehq)$/.test(source),
  });
  return work;
}

/**
 * Builds the static site from the warehouse into outDir: the marts' figures are written as data
 * files, Framework renders the pages, DuckDB writes the drill-down's shards, and nothing is
 * fetched from anywhere.
 */
export async function buildSite(wh: Warehouse, options: { config: Config; outDir?: string; log: Logger; now?: () => Date }): Promise<string> {
  const outDir = resolve(options.outDir ?? DEFAULT_SITE_OUT);
  const started = performance.now();
  const work = workingCopy();
  try {
    const files = await exportSiteData(wh, join(work, "src", "data"), options.config, (options.now ?? (() => new Date()))());
    options.log.info(`report: wrote ${files.length} data files`);
    stubNpmCache(join(work, "src"));
    if (existsSync(outDir)) rmSync(outDir, { recursive: true, force: true });
    await runFramework("build", outDir, options.log, work);
    // After Framework's build, which empties the output folder: the shards the pages fetch by id.
    const shards = await writeShards(wh, outDir);
    options.log.info(`report: wrote ${shards} shard files`);
  } finally {
    rmSync(work, { recursive: true, force: true });
    await dropTempTables(wh, "^_site_");
  }
  options.log.info(`report: built ${outDir} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return outDir;
}

/** For authors: writes the data files into reports/src/data and serves the pages with Framework's preview. */
export async function previewSite(wh: Warehouse, options: { config: Config; log: Logger }): Promise<void> {
  await exportSiteData(wh, join(REPORTS_DIR, "src", "data"), options.config, new Date());
  stubNpmCache(join(REPORTS_DIR, "src"));
  wh.close();
  await runFramework("preview", DEFAULT_SITE_OUT, options.log);
}
