import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, realpathSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { hostname } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PACKAGE_ROOT } from "../../core/paths.ts";
import { processAlive, processStartTicks } from "../../core/process-alive.ts";
import { serveSite } from "../../reports/serve-site.ts";
import { newBuildId, readManifest, SITE_MARKER, versionsDir } from "../../reports/site-layout.ts";
import { acquireSiteLock, SiteBuildBusy } from "../../reports/site-lock.ts";
import { ensureVersionsDir, publishVersion, removeLeftovers, writeManifest } from "../../reports/site-publish.ts";
import { checkSiteTarget, SiteTargetRefused, type TargetGuards } from "../../reports/site-target.ts";
import { removeStaleWorkingCopies } from "../../reports/working-copy.ts";
import { arwatch } from "../helpers/cli.ts";
import { tempDir } from "../helpers/warehouse.ts";

const FIXTURE = fileURLToPath(new URL("../fixtures/ledger", import.meta.url));
const BIN = join(PACKAGE_ROOT, "bin", "arwatch.js");
const CHILD = fileURLToPath(new URL("./build-site-child.ts", import.meta.url));
const WORK_COPIES = join(PACKAGE_ROOT, "reports", ".build");
const NOW = new Date("2026-12-01T03:00:00Z");

/** Every file under dir with a hash of its bytes: equal before and after means untouched. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (sub: string) => {
    for (const e of readdirSync(join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${e.name}` : e.name;
      if (e.isDirectory()) walk(rel);
      else out[rel] = createHash("sha256").update(readFileSync(join(dir, rel))).digest("hex");
    }
  };
  walk("");
  return out;
}

/** The site at out is whole: it is arwatch's, holds exactly the files its manifest lists, and every JSON file parses. */
function expectCompleteSite(out: string): string {
  const manifest = readManifest(out);
  expect(manifest, `${out} has no ${SITE_MARKER}`).not.toBeNull();
  const files = Object.keys(snapshot(realpathSync(out))).filter((f) => f !== SITE_MARKER).sort();
  expect(files).toEqual(manifest!.files);
  expect(files.length).toBe(manifest!.fileCount);
  expect(files).toContain("index.html");
  const json = files.filter((f) => f.endsWith(".json"));
  expect(json.length).toBeGreaterThan(0);
  for (const f of json) expect(() => JSON.parse(readFileSync(join(out, f), "utf8")), f).not.toThrow();
  return manifest!.buildId;
}

/** Resolves once cond() holds, checking as the build proceeds (a build takes seconds; the limit is generous). */
async function until(cond: () => boolean, what: string, limitMs = 120_000): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((done) => (child.exitCode !== null || child.signalCode !== null ? done(child.exitCode) : child.on("exit", (code) => done(code))));
}

async function killHard(child: ChildProcess): Promise<void> {
  child.kill("SIGKILL");
  await exited(child);
}

function run(args: string[]): { child: ChildProcess; stdout: () => string; stderr: () => string } {
  const child = spawn(process.execPath, args, { cwd: PACKAGE_ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (c) => (stdout += c));
  child.stderr!.on("data", (c) => (stderr += c));
  return { child, stdout: () => stdout, stderr: () => stderr };
}

function deadPid(): number {
  const pid = spawnSync(process.execPath, ["-e", ""]).pid;
  expect(processAlive(pid)).toBe(false);
  return pid;
}

const lastLine = (text: string) => text.trim().split("\n").at(-1) ?? "";

describe("checkSiteTarget(out, guards)", () => {
  const dir = tempDir();
  const guards: TargetGuards = {
    warehousePath: join(dir, "data", "wh.duckdb"),
    archiveDir: join(dir, "archive"),
    projectRoot: join(dir, "project"),
    home: join(dir, "home"),
    cwd: join(dir, "cwd"),
  };
  for (const d of ["data", "archive", "project", "home", "cwd", "empty", "mine", "legacy", "not-legacy"]) mkdirSync(join(dir, d));
  writeFileSync(join(dir, "mine", "budget.xlsx"), "the user's");
  writeFileSync(join(dir, "a-file"), "x");
  for (const f of ["index.html", "aging.html", "credit.html", "expected-loss.html"]) {
    writeFileSync(join(dir, "legacy", f), "<html>");
    writeFileSync(join(dir, "not-legacy", f), "<html>");
  }
  mkdirSync(join(dir, "legacy", "_observablehq"));
  mkdirSync(join(dir, "not-legacy", "_observablehq"));
  writeFileSync(join(dir, "not-legacy", "notes.txt"), "the user's");
  symlinkSync(join(dir, "data"), join(dir, "link-to-data"));
  symlinkSync(join(dir, "mine"), join(dir, "foreign-link"));

  it.each([
    ["an absent folder", "new-site", "absent"],
    ["an empty folder", "empty", "empty-folder"],
    ["a folder built by arwatch before the marker", "legacy", "site-folder"],
  ])("accepts %s", (_, name, kind) => {
    expect(checkSiteTarget(join(dir, name), guards).kind).toBe(kind);
  });

  it.each([
    ["a folder of the user's files", "mine", /not an empty folder nor an arwatch site .*1 other entry \(budget\.xlsx\)/],
    ["a look-alike of an arwatch site with one file of the user's", "not-legacy", /not an empty folder nor an arwatch site/],
    ["a file", "a-file", /it is a file, not a folder/],
    ["the warehouse's folder", "data", /it is the folder of the warehouse/],
    ["the warehouse's folder through a link", "link-to-data", /symbolic link .* that arwatch did not make|it is the folder of the warehouse/],
    ["a folder above the warehouse", "", /it holds the folder of the warehouse/],
    ["the archive", "archive", /it is the archive of accepted extracts/],
    ["a folder inside the archive", "archive/site", /inside the archive of accepted extracts/],
    ["the project", "project", /it is the arwatch project/],
    ["the home folder", "home", /it is the home folder/],
    ["the current folder", "cwd", /it is the current folder/],
    ["a link arwatch did not make", "foreign-link", /symbolic link \(to .*mine\) that arwatch did not make/],
  ])("refuses %s, naming it", (_, name, reason) => {
    const out = join(dir, name);
    expect(() => checkSiteTarget(out, guards)).toThrow(SiteTargetRefused);
    expect(() => checkSiteTarget(out, guards)).toThrow(reason);
    expect(() => checkSiteTarget(out, guards)).toThrow(`refusing to build the site into ${out}`);
  });

  it("refuses / and a folder whose versions folder is not arwatch's", () => {
    expect(() => checkSiteTarget("/", guards)).toThrow(/it holds the folder of the warehouse/);
    mkdirSync(join(dir, ".squatted.arwatch-site"));
    expect(() => checkSiteTarget(join(dir, "squatted"), guards)).toThrow(/\.squatted\.arwatch-site exists and is not arwatch's/);
  });
});

describe("publishVersion and removeLeftovers", () => {
  /** A finished build in the folder of versions, as buildSite leaves it before publishing. */
  function fakeBuild(out: string, body: string): string {
    const buildId = newBuildId(NOW);
    const partial = join(ensureVersionsDir(out, NOW), `${buildId}.partial`);
    mkdirSync(join(partial, "_file"), { recursive: true });
    writeFileSync(join(partial, "index.html"), body);
    writeFileSync(join(partial, "_file", "x.json"), JSON.stringify({ body }));
    writeManifest(partial, buildId, NOW);
    return buildId;
  }

  it("replaces an empty folder with a link to the new version, then a link with the next", () => {
    const out = join(tempDir(), "site");
    mkdirSync(out);
    const first = fakeBuild(out, "one");
    publishVersion(out, checkSiteTarget(out, { warehousePath: "/nonexistent/wh.duckdb", archiveDir: "/nonexistent/archive", projectRoot: "/nonexistent/p" }), first, NOW);
    expect(lstatSync(out).isSymbolicLink()).toBe(true);
    expect(readlinkSync(out)).toBe(`.site.arwatch-site/${first}`);
    expect(readFileSync(join(out, "index.html"), "utf8")).toBe("one");
    const second = fakeBuild(out, "two");
    publishVersion(out, { kind: "link", buildId: first }, second, NOW);
    expect(readFileSync(join(out, "index.html"), "utf8")).toBe("two");
    expect(expectCompleteSite(out)).toBe(second);
    // The first version is this process's own and no longer linked: removed; the current one stays.
    expect(removeLeftovers(out)).toEqual([first]);
    expect(readdirSync(versionsDir(out)).sort()).toEqual([".arwatch-versions.json", second]);
  });

  it("moves a plain folder holding an arwatch site aside, publishes, and removes only the old site", () => {
    const root = tempDir();
    const out = join(root, "site");
    mkdirSync(join(out, "_observablehq"), { recursive: true });
    for (const f of ["index.html", "aging.html", "credit.html", "expected-loss.html"]) writeFileSync(join(out, f), "old");
    writeFileSync(join(root, "beside.txt"), "the user's");
    const target = checkSiteTarget(out, { warehousePath: "/nonexistent/wh.duckdb", archiveDir: "/nonexistent/archive", projectRoot: "/nonexistent/p" });
    expect(target).toEqual({ kind: "site-folder", legacy: true });
    const id = fakeBuild(out, "new");
    publishVersion(out, target, id, NOW);
    expect(readFileSync(join(out, "index.html"), "utf8")).toBe("new");
    expect(existsSync(join(out, "aging.html"))).toBe(false);
    expect(removeLeftovers(out)).toHaveLength(1);
    expect(readdirSync(versionsDir(out)).sort()).toEqual([".arwatch-versions.json", id]);
    expect(readdirSync(root).sort()).toEqual([".site.arwatch-site", "beside.txt", "site"]);
  });

  it("removes what dead builds left, keeps the current version, a live build's partial and names it did not write", () => {
    const out = join(tempDir(), "site");
    const current = fakeBuild(out, "current");
    publishVersion(out, { kind: "absent" }, current, NOW);
    const dir = versionsDir(out);
    const dead = deadPid();
    const live = process.ppid;
    const names = {
      deadVersion: newBuildId(NOW, dead),
      deadPartial: `${newBuildId(NOW, dead)}.partial`,
      deadLink: `${newBuildId(NOW, dead)}.link`,
      livePartial: `${newBuildId(NOW, live)}.partial`,
      deadLockTemp: `build.lock.p${dead}.tmp`,
      unknown: "notes-of-the-user",
    };
    for (const [key, name] of Object.entries(names)) {
      if (key === "deadLink") symlinkSync("nowhere", join(dir, name));
      else if (key === "deadLockTemp") writeFileSync(join(dir, name), "{}");
      else mkdirSync(join(dir, name));
    }
    expect(removeLeftovers(out).sort()).toEqual([names.deadVersion, names.deadPartial, names.deadLink, names.deadLockTemp].sort());
    expect(readdirSync(dir).sort()).toEqual([".arwatch-versions.json", current, names.livePartial, names.unknown].sort());
    expect(expectCompleteSite(out)).toBe(current);
  });
});

describe("removeStaleWorkingCopies(reportsDir, now)", () => {
  it("removes copies of builds that are gone and old-style copies untouched for a day, nothing else", () => {
    const reports = tempDir();
    const parent = join(reports, ".build");
    const dead = deadPid();
    const names = {
      dead: `site-p${dead}-abc123`,
      live: `site-p${process.ppid}-abc123`,
      oldStyleStale: "site-Ab12Cd",
      oldStyleRecent: "site-Xy34Zw",
      unknown: "notes",
    };
    for (const name of Object.values(names)) mkdirSync(join(parent, name), { recursive: true });
    const dayAndAMinuteAgo = new Date(NOW.getTime() - 24 * 3600_000 - 60_000);
    utimesSync(join(parent, names.oldStyleStale), dayAndAMinuteAgo, dayAndAMinuteAgo);
    utimesSync(join(parent, names.oldStyleRecent), NOW, NOW);
    expect(removeStaleWorkingCopies(reports, NOW).sort()).toEqual([names.dead, names.oldStyleStale].sort());
    expect(readdirSync(parent).sort()).toEqual([names.live, names.oldStyleRecent, names.unknown].sort());
  });
});

describe("acquireSiteLock(dir, out, now)", () => {
  it("stops a second build while the first holds the lock, naming the holder and the site", () => {
    const dir = tempDir();
    const lock = acquireSiteLock(dir, "/srv/site", NOW);
    expect(lock.held()).toBe(true);
    expect(() => acquireSiteLock(dir, "/srv/site", NOW)).toThrow(SiteBuildBusy);
    expect(() => acquireSiteLock(dir, "/srv/site", NOW)).toThrow(`another report build (pid ${process.pid}`);
    expect(() => acquireSiteLock(dir, "/srv/site", NOW)).toThrow("is publishing /srv/site");
    lock.release();
    const next = acquireSiteLock(dir, "/srv/site", NOW);
    expect(next.held()).toBe(true);
    next.release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it("takes over the lock of a build that was killed, and of a pid now reused by another program", () => {
    const dir = tempDir();
    const write = (record: object) => writeFileSync(join(dir, "build.lock"), JSON.stringify(record));
    const myHost = hostname();
    const stale: object[] = [];
    write({ pid: deadPid(), host: myHost, startedAt: "2026-11-30T10:00:00.000Z", token: "dead" });
    const lock = acquireSiteLock(dir, "/srv/site", NOW, (h) => stale.push(h));
    expect(lock.held()).toBe(true);
    lock.release();
    // The parent process is alive, but it started at another time than the lock says: its pid was reused.
    write({ pid: process.ppid, host: myHost, startedAt: "2026-11-30T10:00:00.000Z", startTicks: "1", token: "reused" });
    acquireSiteLock(dir, "/srv/site", NOW, (h) => stale.push(h)).release();
    expect(stale.map((h) => (h as { token: string }).token)).toEqual(["dead", "reused"]);
    // The same live parent with its real start time holds the lock.
    write({ pid: process.ppid, host: myHost, startedAt: "2026-11-30T10:00:00.000Z", startTicks: processStartTicks(process.ppid), token: "live" });
    expect(() => acquireSiteLock(dir, "/srv/site", NOW)).toThrow(`another report build (pid ${process.ppid}`);
  });
});

describe("serveSite(dir) on a published site", () => {
  it("follows the link to each new version without a restart, and serves neither the marker nor anything outside", async () => {
    const root = tempDir();
    const out = join(root, "site");
    writeFileSync(join(root, "secret.txt"), "not served");
    const version = (body: string) => {
      const id = newBuildId(NOW);
      const partial = join(ensureVersionsDir(out, NOW), `${id}.partial`);
      mkdirSync(partial);
      writeFileSync(join(partial, "index.html"), body);
      writeFileSync(join(partial, "aging.html"), `${body} aging`);
      writeManifest(partial, id, NOW);
      return id;
    };
    publishVersion(out, { kind: "absent" }, version("first"), NOW);
    const { server, url } = await serveSite(out);
    try {
      const get = async (path: string) => {
        const r = await fetch(url + path);
        return [r.status, await r.text()];
      };
      expect(await get("/")).toEqual([200, "first"]);
      expect(await get("/aging")).toEqual([200, "first aging"]);
      publishVersion(out, { kind: "link", buildId: "" }, version("second, longer"), NOW);
      expect(removeLeftovers(out)).toHaveLength(1);
      expect(await get("/")).toEqual([200, "second, longer"]);
      expect(await get("/aging?id=1")).toEqual([200, "second, longer aging"]);
      expect((await get(`/${SITE_MARKER}`))[0]).toBe(404);
      expect((await get("/%2e%2e/%2e%2e/secret.txt"))[0]).toBe(404);
    } finally {
      server.close();
    }
  });
});

describe("arwatch report build, as real processes", () => {
  let dir: string;
  let db: string;
  let archive: string;
  let config: string;
  let site: string;
  let versions: string;
  let server: Server | undefined;

  const reportBuild = (out: string) => arwatch(["report", "build", "--db", db, "--config", config, "--out", out]);
  const pidsIn = (folder: string) => (existsSync(folder) ? readdirSync(folder) : []);

  beforeAll(() => {
    dir = tempDir();
    db = join(dir, "data", "warehouse.duckdb");
    archive = join(dir, "archived-extracts");
    config = join(dir, "arwatch.config.yaml");
    writeFileSync(config, `ingest:\n  archiveDir: ${archive}\n`);
    expect(arwatch(["ingest", FIXTURE, "--db", db, "--config", config]).status).toBe(0);
    expect(arwatch(["build", "--db", db, "--config", config, "--as-of", "2024-04-30"]).status).toBe(0);
    expect(readdirSync(archive).length).toBeGreaterThan(0);
    site = join(dir, "site");
    versions = versionsDir(site);
    // A site as arwatch built it before sites carried a marker: the first build moves it into the new layout.
    mkdirSync(join(site, "_observablehq"), { recursive: true });
    for (const f of ["index.html", "aging.html", "credit.html", "expected-loss.html"]) writeFileSync(join(site, f), "an old build");
    const built = reportBuild(site);
    expect(built.stderr).not.toMatch(/arwatch: /);
    expect(built.status).toBe(0);
  }, 240_000);

  afterAll(() => server?.close());

  it("published the first build as a link to a complete version, replacing the old-layout site", () => {
    expect(lstatSync(site).isSymbolicLink()).toBe(true);
    const id = expectCompleteSite(site);
    expect(readdirSync(versions).sort()).toEqual([".arwatch-versions.json", id]);
    expect(readFileSync(join(site, "index.html"), "utf8")).not.toBe("an old build");
  });

  it("refuses a folder of the user's files and leaves it byte-identical", () => {
    const mine = join(dir, "my-reports");
    mkdirSync(join(mine, "2024"), { recursive: true });
    writeFileSync(join(mine, "2024", "board pack.xlsx"), "quarterly figures");
    writeFileSync(join(mine, "index.html"), "<html>my own page</html>");
    const before = snapshot(mine);
    const result = reportBuild(mine);
    expect(result.status).toBe(1);
    expect(lastLine(result.stderr)).toMatch(new RegExp(`^arwatch: report: refusing to build the site into ${mine}: it is not an empty folder nor an arwatch site`));
    expect(snapshot(mine)).toEqual(before);
    expect(readdirSync(dir)).not.toContain(".my-reports.arwatch-site");
  });

  it.each([
    ["the warehouse's folder", () => join(dir, "data"), /it is the folder of the warehouse/],
    ["the folder above the warehouse", () => dir, /it holds the folder of the warehouse/],
    ["the archive", () => archive, /it is the archive of accepted extracts/],
  ])("refuses %s and leaves the warehouse and the archive intact", (_, out, reason) => {
    const before = [snapshot(join(dir, "data")), snapshot(archive)];
    const result = reportBuild(out());
    expect(result.status).toBe(1);
    expect(lastLine(result.stderr)).toMatch(reason);
    expect(lastLine(result.stderr)).toContain(out());
    expect([snapshot(join(dir, "data")), snapshot(archive)]).toEqual(before);
  });

  it("killed -9 while Framework builds: the previous site stays whole, and the CLI still starts", async () => {
    const previous = expectCompleteSite(site);
    const build = run([BIN, "report", "build", "--db", db, "--config", config, "--out", site]);
    const pid = build.child.pid!;
    const partial = () => pidsIn(versions).find((n) => n.includes(`-p${pid}-`) && n.endsWith(".partial"));
    await until(() => partial() !== undefined, "the build's partial folder");
    await killHard(build.child);
    expect(expectCompleteSite(site)).toBe(previous);
    // What the killed build left: its partial folder and its working copy.
    expect(partial()).toBeDefined();
    expect(pidsIn(WORK_COPIES).some((n) => n.startsWith(`site-p${pid}-`))).toBe(true);
    const sql = arwatch(["sql", "select 1 as one", "--db", db, "--format", "csv"]);
    expect(sql.stderr).toBe("");
    expect(sql.status).toBe(0);
  }, 240_000);

  it("killed -9 with the new version complete but not yet published: readers still get the previous site", async () => {
    const previous = expectCompleteSite(site);
    const build = run(["--import", "tsx", CHILD, db, site, "manifest-written"]);
    await until(() => build.stdout().includes('"stage":"manifest-written"') || build.child.exitCode !== null, "the build to finish its version", 240_000);
    const { partial } = JSON.parse(build.stdout()) as { partial: string };
    await killHard(build.child);
    expect(expectCompleteSite(site)).toBe(previous);
    // The finished but unpublished version is left, whole, for the next build to remove.
    expect(readManifest(partial)?.fileCount).toBeGreaterThan(0);
  }, 300_000);

  it("killed -9 right after the link swap: the new site is whole and the old version is left for the next build", async () => {
    const previous = expectCompleteSite(site);
    const build = run(["--import", "tsx", CHILD, db, site, "published"]);
    await until(() => build.stdout().includes('"stage":"published"') || build.child.exitCode !== null, "the build to publish", 240_000);
    expect(build.stderr()).not.toMatch(/Error/);
    const { buildId } = JSON.parse(build.stdout()) as { buildId: string };
    await killHard(build.child);
    expect(expectCompleteSite(site)).toBe(buildId);
    expect(pidsIn(versions)).toContain(previous);
  }, 300_000);

  it("two builds at once: one publishes a complete site and cleans every leftover, the other stops with a clear message", async () => {
    ({ server } = await serveSite(site));
    const { url } = { url: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
    expect((await fetch(`${url}/`)).status).toBe(200);
    const builds = [0, 1].map(() => run([BIN, "report", "build", "--db", db, "--config", config, "--out", site]));
    const codes = await Promise.all(builds.map((b) => exited(b.child)));
    expect(codes.sort()).toEqual([0, 1]);
    const loser = builds.find((b) => b.child.exitCode === 1)!;
    expect(lastLine(loser.stderr())).toMatch(new RegExp(`^arwatch: report: another report build \\(pid \\d+ .*\\) is publishing ${site}; this one stopped before changing anything`));
    const winner = builds.find((b) => b.child.exitCode === 0)!;
    expect(winner.stderr()).toMatch(/removed \d+ leftover\(s\) of builds that were stopped/);
    // The killed build's stale lock is taken over by whichever of the two reached it first: that one
    // says so (the other then finds the lock held and stops, or finds it free and takes it).
    expect(`${winner.stderr()}${loser.stderr()}`).toMatch(/took over the lock of a build that is no longer running \(pid \d+/);
    const id = expectCompleteSite(site);
    expect(readdirSync(versions).sort()).toEqual([".arwatch-versions.json", id]);
    const deadCopies = pidsIn(WORK_COPIES).filter((n) => {
      const pid = /^site-p(\d+)-/.exec(n)?.[1];
      return pid !== undefined && !processAlive(Number(pid));
    });
    expect(deadCopies).toEqual([]);
    // The server that was started on the previous version now serves the new one, unchanged.
    const served = await (await fetch(`${url}/`)).text();
    expect(served).toBe(readFileSync(join(versions, id, "index.html"), "utf8"));
    expect(statSync(join(versions, id, "index.html")).size).toBe(Buffer.byteLength(served));
  }, 300_000);
});
