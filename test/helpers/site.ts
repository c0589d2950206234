import { mkdirSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser } from "playwright-core";
import { serveSite } from "../../reports/serve-site.ts";
import { launchBrowser } from "./browser.ts";
import { arwatch } from "./cli.ts";
import { tempDir } from "./warehouse.ts";

/** The preload that fails every network request and logs it (ARWATCH_NETWORK_LOG). */
export const GUARD = fileURLToPath(new URL("./no-network.mjs", import.meta.url));
/** Where browser tests leave their screenshots. */
export const ARTIFACTS = fileURLToPath(new URL("../artifacts", import.meta.url));

export interface ServedSite {
  server: Server;
  origin: string;
  browser: Browser;
}

/**
 * Builds the report site with `arwatch report build` under the no-network guard (every request
 * the build makes fails and is written to `networkLog`), serves it on a real port and launches
 * Chromium. A build that fails or prints an error throws with what it printed.
 */
export async function buildAndServeSite(options: { db: string; site: string; networkLog: string; cwd?: string; args?: string[] }): Promise<ServedSite> {
  const env = { NODE_OPTIONS: `--import ${GUARD}`, ARWATCH_NETWORK_LOG: options.networkLog };
  const built = arwatch(["report", "build", "--db", options.db, "--out", options.site, ...(options.args ?? [])], { env, cwd: options.cwd });
  if (built.status !== 0 || /arwatch: /.test(built.stderr)) throw new Error(`arwatch report build failed (exit ${built.status}):\n${built.stderr}`);
  const { server, url: origin } = await serveSite(options.site);
  const browser = await launchBrowser();
  mkdirSync(ARTIFACTS, { recursive: true });
  return { server, origin, browser };
}

/**
 * A ledger written by `write` into a new warehouse, built with `arwatch build` as of `asOf` under
 * `config` (an arwatch.config.yaml in the working folder), and its site built and served.
 */
export async function siteOfLedger(write: (db: string) => Promise<void>, options: { config: string; asOf: string }): Promise<ServedSite & { db: string; networkLog: string }> {
  const dir = tempDir();
  const db = join(dir, "warehouse.duckdb");
  const networkLog = join(dir, "network.log");
  writeFileSync(networkLog, "");
  writeFileSync(join(dir, "arwatch.config.yaml"), options.config);
  await write(db);
  const built = arwatch(["build", "--db", db, "--as-of", options.asOf], { cwd: dir });
  if (built.status !== 0 || /arwatch: /.test(built.stderr)) throw new Error(`arwatch build failed (exit ${built.status}):\n${built.stderr}`);
  return { db, networkLog, ...(await buildAndServeSite({ db, site: join(dir, "site"), networkLog, cwd: dir })) };
}
