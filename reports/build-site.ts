import { spawn } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import type { Config } from "../core/config.ts";
import type { Logger } from "../core/log.ts";
import { PACKAGE_ROOT } from "../core/paths.ts";
import type { Warehouse } from "../core/warehouse.ts";
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

/** Runs Framework's CLI in the reports folder; its output goes to the log, a failure throws. */
export function runFramework(command: "build" | "preview", outDir: string, log: Logger): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [FRAMEWORK_CLI, command], { cwd: REPORTS_DIR, env: frameworkEnv(outDir) });
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
 * Builds the static site from the warehouse into outDir: the marts' figures are written as data
 * files, Framework renders the pages, and nothing is fetched from anywhere.
 */
export async function buildSite(wh: Warehouse, options: { config: Config; outDir?: string; log: Logger; now?: () => Date }): Promise<string> {
  const outDir = resolve(options.outDir ?? DEFAULT_SITE_OUT);
  const started = performance.now();
  const files = await exportSiteData(wh, join(REPORTS_DIR, "src", "data"), options.config, (options.now ?? (() => new Date()))());
  options.log.info(`report: wrote ${files.length} data files`);
  stubNpmCache(join(REPORTS_DIR, "src"));
  if (existsSync(outDir)) rmSync(outDir, { recursive: true, force: true });
  await runFramework("build", outDir, options.log);
  // After Framework's build, which empties the output folder: the shards the pages fetch by id.
  const shards = await writeShards(wh, outDir);
  options.log.info(`report: wrote ${shards} shard files`);
  options.log.info(`report: built ${outDir} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return outDir;
}
