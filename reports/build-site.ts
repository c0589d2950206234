import { spawn } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { Config } from "../core/config.ts";
import type { Logger } from "../core/log.ts";
import { PACKAGE_ROOT } from "../core/paths.ts";
import { dropTempTables, type Warehouse } from "../core/warehouse.ts";
import { exportSiteData } from "./export-data.ts";
import { writeShards } from "./export-shards.ts";
import { stubNpmCache } from "./npm-cache-stubs.ts";
import { DEFAULT_SITE_OUT, REPORTS_DIR } from "./site-paths.ts";
import { newBuildId, versionsDir } from "./site-layout.ts";
import { acquireSiteLock } from "./site-lock.ts";
import { ensureVersionsDir, publishVersion, removeLeftovers, writeManifest } from "./site-publish.ts";
import { checkSiteTarget, type TargetGuards } from "./site-target.ts";
import { createWorkingCopy, removeStaleWorkingCopies } from "./working-copy.ts";

export { SiteTargetRefused } from "./site-target.ts";
export { SiteBuildBusy } from "./site-lock.ts";

const FRAMEWORK_CLI = join(PACKAGE_ROOT, "node_modules", "@observablehq", "framework", "dist", "bin", "observable.js");

/** Framework's own environment: no telemetry, and the output folder the config reads. */
function frameworkEnv(outDir: string): NodeJS.ProcessEnv {
  return { ...process.env, OBSERVABLE_TELEMETRY_DISABLE: "true", ARWATCH_REPORT_OUT: outDir };
}

/** Runs Framework's CLI in a project folder; its output goes to the log, a failure throws. */
export function runFramework(command: "build" | "preview", outDir: string, log: Logger, projectDir = REPORTS_DIR): Promise<void> {
  return new Promise((done, fail) => {
    // A build runs in its own process group, so a Ctrl-C or a service manager's SIGTERM to the
    // whole group reaches only arwatch, which lets the step in progress (this build) finish.
    // The preview stays in the group: Ctrl-C is how an author stops it.
    const child = spawn(process.execPath, [FRAMEWORK_CLI, command], { cwd: projectDir, env: frameworkEnv(outDir), detached: command === "build" });
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

/** A step of buildSite, for tests that stop a build at a given point (kill -9 there, say). */
export type BuildStage = "locked" | "exported" | "framework-built" | "shards-written" | "manifest-written" | "published";

export interface BuildSiteOptions {
  config: Config;
  /** Where the site is published (default reports/dist): absent, an empty folder or an arwatch site, else refused. */
  outDir?: string;
  log: Logger;
  now?: () => Date;
  /** The warehouse file, whose folder a site is never published over (default: the one wh was opened from). */
  warehousePath?: string;
  /** The archive of accepted extracts, never touched (default: ingest.archiveDir, else archive/ beside the warehouse). */
  archiveDir?: string;
  /** Called as the build passes each step, and awaited. */
  onStage?: (stage: BuildStage, where: { out: string; buildId: string; partial: string }) => void | Promise<void>;
}

function guardsFor(wh: Warehouse, options: BuildSiteOptions): TargetGuards {
  const warehousePath = resolve(options.warehousePath ?? wh.path);
  return {
    warehousePath,
    archiveDir: resolve(options.archiveDir ?? options.config.ingest.archiveDir ?? join(dirname(warehousePath), "archive")),
    projectRoot: PACKAGE_ROOT,
    noSiteInside: [join(REPORTS_DIR, "src"), join(REPORTS_DIR, ".build")],
  };
}

/**
 * Builds the static site from the warehouse and publishes it at outDir: the marts' figures are
 * written as data files, Framework renders the pages and DuckDB writes the drill-down's shards into
 * a new version beside outDir, which then replaces the previous one in one rename. Nothing is
 * fetched from anywhere, and nothing arwatch did not write is deleted: outDir must be absent, an
 * empty folder or an arwatch site (else SiteTargetRefused, before any work), and a second build to
 * the same folder while one runs stops with SiteBuildBusy. A build killed at any point leaves the
 * previous site whole; the next build removes what it left.
 */
export async function buildSite(wh: Warehouse, options: BuildSiteOptions): Promise<string> {
  const { log } = options;
  const out = resolve(options.outDir ?? DEFAULT_SITE_OUT);
  const now = (options.now ?? (() => new Date()))();
  const started = performance.now();
  const guards = guardsFor(wh, options);
  checkSiteTarget(out, guards);
  const lock = acquireSiteLock(ensureVersionsDir(out, now), out, now, (holder) =>
    log.warn(`report: took over the lock of a build that is no longer running (pid ${holder.pid}, started ${holder.startedAt})`),
  );
  const buildId = newBuildId(now);
  const partial = join(versionsDir(out), `${buildId}.partial`);
  const stage = async (name: BuildStage) => options.onStage?.(name, { out, buildId, partial });
  let work: string | undefined;
  try {
    // Checked again under the lock: a build that just finished may have changed what out is.
    const target = checkSiteTarget(out, guards);
    const leftovers = [...removeLeftovers(out), ...removeStaleWorkingCopies(REPORTS_DIR, now).map((n) => `.build/${n}`)];
    if (leftovers.length > 0) log.info(`report: removed ${leftovers.length} leftover(s) of builds that were stopped: ${leftovers.join(", ")}`);
    await stage("locked");
    work = createWorkingCopy(REPORTS_DIR);
    const files = await exportSiteData(wh, join(work, "src", "data"), options.config, now);
    log.info(`report: wrote ${files.length} data files`);
    stubNpmCache(join(work, "src"));
    await stage("exported");
    mkdirSync(partial);
    await runFramework("build", partial, log, work);
    await stage("framework-built");
    const shards = await writeShards(wh, partial);
    log.info(`report: wrote ${shards} shard files`);
    await stage("shards-written");
    const manifest = writeManifest(partial, buildId, now);
    await stage("manifest-written");
    if (!lock.held()) throw new Error(`report: another build took the lock of ${out} meanwhile, so this one was not published`);
    publishVersion(out, target, buildId, now);
    if (target.kind === "site-folder") log.info(`report: moved the site that was at ${out} into ${versionsDir(out)} (the folder of its versions)`);
    log.info(`report: published ${out} -> version ${buildId} (${manifest.fileCount} files, ${(manifest.bytes / 1e6).toFixed(1)} MB)`);
    await stage("published");
    try {
      removeLeftovers(out);
    } catch (e) {
      log.warn(`report: the site is published, but an earlier version could not be removed (the next build tries again): ${(e as Error).message}`);
    }
  } finally {
    if (work) rmSync(work, { recursive: true, force: true });
    // Present only if the build failed before publishing: what it wrote, and nothing else.
    rmSync(partial, { recursive: true, force: true });
    lock.release();
    await dropTempTables(wh, "^_site_");
  }
  log.info(`report: built ${out} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return out;
}

/** For authors: writes the data files into reports/src/data and serves the pages with Framework's preview. */
export async function previewSite(wh: Warehouse, options: { config: Config; log: Logger }): Promise<void> {
  await exportSiteData(wh, join(REPORTS_DIR, "src", "data"), options.config, new Date());
  stubNpmCache(join(REPORTS_DIR, "src"));
  wh.close();
  await runFramework("preview", DEFAULT_SITE_OUT, options.log);
}
