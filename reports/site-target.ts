import { existsSync, lstatSync, readdirSync, readlinkSync, realpathSync } from "node:fs";
import { homedir } from "node:os";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { currentVersion, insideVersionsDir, isLegacySite, readManifest, versionsDir, VERSIONS_MARKER, SITE_MARKER } from "./site-layout.ts";

/** Thrown before any work when `--out` names a folder arwatch may not write: the message names it and says why. */
export class SiteTargetRefused extends Error {
  constructor(readonly out: string, reason: string) {
    super(`report: refusing to build the site into ${out}: ${reason}; nothing was changed`);
    this.name = "SiteTargetRefused";
  }
}

/** What `<out>` holds now, once it is known that arwatch may publish a site there. */
export type SiteTarget =
  | { kind: "absent" }
  | { kind: "empty-folder" }
  /** arwatch's link to a version (which may have gone missing: the link is replaced all the same). */
  | { kind: "link"; buildId: string }
  /** A plain folder holding an arwatch site: one with the marker, or one built before the marker existed. */
  | { kind: "site-folder"; legacy: boolean };

export interface TargetGuards {
  /** The warehouse file: its folder (and anything above it) is never a site's folder. */
  warehousePath: string;
  /** The archive of accepted extracts: never a site's folder, nor above or inside it. */
  archiveDir: string;
  /** The project's own folder (sources, config): never a site's folder nor above it. */
  projectRoot: string;
  /** Folders a site is never built inside (the site's sources, the build's working copies). */
  noSiteInside?: string[];
  home?: string;
  cwd?: string;
}

/** The real path of a path that may not exist yet: its deepest existing ancestor resolved, the rest appended. */
export function realPathOf(path: string): string {
  const absolute = resolve(path);
  const rest: string[] = [];
  for (let dir = absolute; ; dir = dirname(dir)) {
    try {
      return join(realpathSync(dir), ...rest.reverse());
    } catch {
      if (dirname(dir) === dir) return absolute;
      rest.push(basename(dir));
    }
  }
}

/** Whether inner is outer or lies inside it (both real, absolute). */
export function isWithin(inner: string, outer: string): boolean {
  const rel = relative(outer, inner);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !rel.startsWith(sep) && !/^[a-zA-Z]:/.test(rel));
}

/**
 * Checks that a site may be published at out, before anything is written: out may be absent,
 * an empty folder, an arwatch site (arwatch's link, or a folder with the marker or built by an
 * earlier arwatch); it may not be a file, anyone else's folder or link, nor the folder of the
 * warehouse, the archive, the project, the home folder or the working folder, nor one above them.
 */
export function checkSiteTarget(outPath: string, guards: TargetGuards): SiteTarget {
  const out = resolve(outPath);
  const refuse = (reason: string) => new SiteTargetRefused(out, reason);
  let stat: ReturnType<typeof lstatSync> | undefined;
  try {
    stat = lstatSync(out);
  } catch {
    stat = undefined;
  }
  // Where out is on disk: a link of arwatch's is judged by where it lies, not by where it points.
  const location = stat?.isSymbolicLink() ? join(realPathOf(dirname(out)), basename(out)) : realPathOf(out);

  const protectedFolders: [string, string][] = [
    [realPathOf(dirname(resolve(guards.warehousePath))), `the folder of the warehouse ${guards.warehousePath}`],
    [realPathOf(guards.archiveDir), `the archive of accepted extracts ${guards.archiveDir}`],
    [realPathOf(guards.projectRoot), `the arwatch project ${guards.projectRoot}`],
    [realPathOf(guards.home ?? homedir()), "the home folder"],
    [realPathOf(guards.cwd ?? process.cwd()), "the current folder"],
  ];
  for (const [folder, what] of protectedFolders) {
    if (isWithin(folder, location)) throw refuse(location === folder ? `it is ${what}` : `it holds ${what}`);
  }
  if (isWithin(location, realPathOf(guards.archiveDir))) throw refuse(`it is inside the archive of accepted extracts ${guards.archiveDir}`);
  for (const folder of guards.noSiteInside ?? []) {
    if (isWithin(location, realPathOf(folder))) throw refuse(`it is inside ${folder}, which arwatch uses for something else`);
  }
  if (insideVersionsDir(location)) throw refuse("it is inside a folder of site versions that arwatch manages");

  const versions = versionsDir(out);
  if (existsSync(versions) || lstatExists(versions)) {
    if (!lstatSync(versions).isDirectory() || !existsSync(join(versions, VERSIONS_MARKER))) {
      throw refuse(`${versions} exists and is not arwatch's (no ${VERSIONS_MARKER} in it)`);
    }
  }

  if (!stat) return { kind: "absent" };
  if (stat.isSymbolicLink()) {
    const buildId = currentVersion(out);
    if (buildId === null) throw refuse(`it is a symbolic link (to ${readlinkSync(out)}) that arwatch did not make`);
    return { kind: "link", buildId };
  }
  if (!stat.isDirectory()) throw refuse("it is a file, not a folder");
  const entries = readdirSync(out);
  if (entries.length === 0) return { kind: "empty-folder" };
  if (readManifest(out)) return { kind: "site-folder", legacy: false };
  if (isLegacySite(out)) return { kind: "site-folder", legacy: true };
  const sample = entries.slice(0, 3).join(", ");
  throw refuse(
    `it is not an empty folder nor an arwatch site (no ${SITE_MARKER}): it holds ${entries.length} other entr${entries.length === 1 ? "y" : "ies"} (${sample}${entries.length > 3 ? ", …" : ""}), and arwatch never deletes what it did not write; choose a new or empty folder`,
  );
}

function lstatExists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}
