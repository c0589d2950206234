import { existsSync, lstatSync, readFileSync, readdirSync, readlinkSync, statSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";

/**
 * How a published site lies on disk. `<out>` is a symbolic link to one complete version inside a
 * hidden folder beside it, so that publishing a new version is one rename(2) of a link:
 *
 *   reports/dist -> .dist.arwatch-site/20261201T034500Z-p4242-k3f9
 *   reports/.dist.arwatch-site/
 *     .arwatch-versions.json                     proves the folder is arwatch's
 *     20261201T034500Z-p4242-k3f9/               a complete version, with .arwatch-site.json
 *     20261201T041200Z-p5150-x8qa.partial/       a build under way (or killed: pid 5150 dead)
 *     build.lock                                  the build that holds the folder (pid, start)
 *
 * Every name arwatch writes there carries the pid of the process that wrote it, so a later
 * build can prove a leftover is arwatch's own and that its writer is gone before removing it.
 */

/** Written into every built site: proves the folder is an arwatch site, and lists what it holds. */
export const SITE_MARKER = ".arwatch-site.json";
/** Written into the folder of versions when arwatch creates it. */
export const VERSIONS_MARKER = ".arwatch-versions.json";
export const LOCK_FILE = "build.lock";
const VERSIONS_SUFFIX = ".arwatch-site";

export interface SiteManifest {
  tool: "arwatch";
  kind: "report-site";
  buildId: string;
  builtAt: string;
  fileCount: number;
  bytes: number;
  /** Every file of the site but this marker, relative, with "/" separators, sorted. */
  files: string[];
}

/** The hidden folder beside `<out>` that holds its versions. */
export function versionsDir(out: string): string {
  return join(dirname(out), `.${basename(out)}${VERSIONS_SUFFIX}`);
}

/** Whether a path lies inside (or is) a folder of versions: a site is never built in there. */
export function insideVersionsDir(path: string): boolean {
  for (let dir = path; dirname(dir) !== dir; dir = dirname(dir)) {
    if (basename(dir).startsWith(".") && basename(dir).endsWith(VERSIONS_SUFFIX)) return true;
  }
  return false;
}

/** A build id: sortable by time, and naming the pid that owns it. */
export function newBuildId(now: Date, pid = process.pid): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
  return `${stamp}-p${pid}-${Math.random().toString(36).slice(2, 6).padEnd(4, "0")}`;
}

const BUILD_ENTRY = /^(\d{8}T\d{6}Z-p(\d+)-[a-z0-9]{4})(\.partial|\.link)?$/;

/** A build id, partial folder or pending link in a folder of versions, with its writer's pid; null for any other name. */
export function parseVersionEntry(name: string): { buildId: string; pid: number; kind: "version" | "partial" | "link" } | null {
  const m = BUILD_ENTRY.exec(name);
  if (!m) return null;
  const kind = m[3] === ".partial" ? "partial" : m[3] === ".link" ? "link" : "version";
  return { buildId: m[1]!, pid: Number(m[2]), kind };
}

/** The manifest of a folder that holds an arwatch site, or null. */
export function readManifest(dir: string): SiteManifest | null {
  try {
    const m = JSON.parse(readFileSync(join(dir, SITE_MARKER), "utf8")) as Partial<SiteManifest>;
    return m.tool === "arwatch" && m.kind === "report-site" && Array.isArray(m.files) ? (m as SiteManifest) : null;
  } catch {
    return null;
  }
}

/** The version `<out>` links to, when `<out>` is a link arwatch made (into its own folder of versions); else null. */
export function currentVersion(out: string): string | null {
  let target: string;
  try {
    if (!lstatSync(out).isSymbolicLink()) return null;
    target = readlinkSync(out);
  } catch {
    return null;
  }
  const versions = versionsDir(out);
  const expected = relative(dirname(out), versions);
  const parts = target.split(/[\\/]/);
  if (parts.length !== 2 || parts[0] !== expected) return null;
  const entry = parseVersionEntry(parts[1]!);
  return entry?.kind === "version" ? entry.buildId : null;
}

/**
 * Names that sites built by arwatch before the marker existed are made of: Framework's output for
 * arwatch's pages and the drill-down's shards. A folder of exactly these (with the pages that make
 * it arwatch's) is such a site; one other file and it is the user's.
 */
const LEGACY_NAMES = new Set([
  "index.html", "aging.html", "credit.html", "expected-loss.html", "collections.html", "customers.html",
  "customer.html", "data-quality.html", "404.html", "_observablehq", "_file", "_import", "_node", "_npm", "_arwatch",
]);
const LEGACY_REQUIRED = ["index.html", "aging.html", "credit.html", "expected-loss.html", "_observablehq"];

/** Whether a plain folder is a site that arwatch built before sites carried a marker. */
export function isLegacySite(dir: string): boolean {
  const names = readdirSync(dir);
  if (!LEGACY_REQUIRED.every((n) => names.includes(n)) || !names.every((n) => LEGACY_NAMES.has(n))) return false;
  return statSync(join(dir, "_observablehq")).isDirectory() && existsSync(join(dir, "index.html"));
}
