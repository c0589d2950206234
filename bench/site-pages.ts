/**
 * What the report site's heaviest pages load (issue 4: "no page loading more than 2 MB of
 * data"): the built site is served on 127.0.0.1 (reports/serve-site.ts) and each page opened in
 * headless Chromium (test/helpers/browser.ts), each in a fresh browser context (empty cache), and
 * the bodies of all its responses are summed: in total, and those of data files (the marts' data
 * files under /_file/data/ and the shards under /_arwatch/) separately. Also: the site's size and
 * its largest files.
 *
 *   npx tsx bench/site-pages.ts <site dir>     # measure an existing site on its own
 */
import { readFileSync, readdirSync, statSync } from "node:fs";
import type { Server } from "node:http";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import type { Browser, Page, Response } from "playwright-core";
import { serveSite } from "../reports/serve-site.ts";
import { launchBrowser } from "../test/helpers/browser.ts";

/** Issue 4: no page may load more than 2 MB of data. */
export const TARGET_PAGE_DATA_BYTES = 2 * 1024 * 1024;
/** What the customer search types: words most generated names contain, so the most results. */
export const SEARCH_QUERY = "cong ty";
const PAGE_TIMEOUT_MS = 180_000;
/** After typing, how long the search page is given to fetch and show its results. */
const SEARCH_SETTLE_MS = 1_000;

export interface SiteFile {
  /** Relative to the site dir. */
  path: string;
  bytes: number;
}

export interface PageLoad {
  /** A short name for the table. */
  page: string;
  /** The path and query opened (plus the query typed, for the search). */
  url: string;
  ok: boolean;
  /** Sum of the bodies of all responses (HTML, scripts, styles, data, …). */
  totalBytes: number;
  /** Sum of the bodies of data files: URLs containing /_file/data/ or /_arwatch/. */
  dataBytes: number;
  responses: number;
  dataFiles: number;
  /** The largest data file the page loaded. */
  largestData: { url: string; bytes: number } | null;
  /** Responses with status ≥ 400 (a missing shard would otherwise look light). */
  httpErrors: string[];
  /** Console errors and uncaught exceptions. */
  pageErrors: string[];
  /** Rows in the page's tables once settled: shows that it rendered what it loaded. */
  tableRows: number;
  overTarget: boolean;
  error?: string;
}

export interface SiteFigures {
  totalBytes: number;
  files: number;
  largestArwatchFile: SiteFile | null;
  largestDataFile: SiteFile | null;
  targetPageDataBytes: number;
  pages: PageLoad[];
  /** Pages whose data exceed the target. */
  pagesOver: string[];
  /** Heaviest page's data bytes (the figure the target is about). */
  maxPageDataBytes: number | null;
  /** Why measuring the pages failed altogether (no Chromium, say); the size figures still stand. */
  error?: string;
}

interface PageSpec {
  page: string;
  path: string;
  /** Type into the customer search once loaded. */
  search?: string;
}

function walk(dir: string, base = dir, out: SiteFile[] = []): SiteFile[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) walk(full, base, out);
    else if (entry.isFile()) out.push({ path: relative(base, full), bytes: statSync(full).size });
  }
  return out;
}

const largest = (files: SiteFile[]): SiteFile | null => files.reduce<SiteFile | null>((a, f) => (a === null || f.bytes > a.bytes ? f : a), null);

/** The largest numbered shard file in one of the _arwatch folders. */
function largestShard(siteDir: string, folder: string): { n: string; file: string } | null {
  const dir = join(siteDir, "_arwatch", folder);
  const files = readdirSync(dir).filter((f) => /^\d+\.json$/.test(f));
  const top = largest(files.map((f) => ({ path: f, bytes: statSync(join(dir, f)).size })));
  return top ? { n: top.path.replace(/\.json$/, ""), file: join(dir, top.path) } : null;
}

/** The site's data file by its unhashed name (Framework names it data/<name>.<hash>.json). */
function dataFile(siteDir: string, name: string): string {
  const dir = join(siteDir, "_file", "data");
  const found = readdirSync(dir).filter((f) => f.startsWith(`${name}.`) && f.endsWith(".json") && /^[0-9a-f]+$/.test(f.slice(name.length + 1, -5)));
  if (found.length !== 1) throw new Error(`expected one ${name}.<hash>.json in ${dir}, found ${found.length}`);
  return join(dir, found[0]!);
}

/**
 * The pages that load the most: the fixed pages, the aging drill-down at its customer-list level
 * for the team × collector × group with the largest customer list, the customer page of a
 * customer in the largest customer shard, and the customer search after a common query.
 */
export function heaviestPages(siteDir: string): PageSpec[] {
  const pages: PageSpec[] = [{ page: "overview", path: "/" }, { page: "aging (company)", path: "/aging" }];
  const path = largestShard(siteDir, "paths");
  if (path) {
    const tree = JSON.parse(readFileSync(dataFile(siteDir, "aging-tree"), "utf8")) as { path_shard: unknown; team: string | null; collector: string | null; customer_group: string | null }[];
    const row = tree.find((r) => String(r.path_shard) === path.n);
    if (!row) throw new Error(`path shard ${path.n} is not in aging-tree`);
    // The page reads an empty parameter as null (a customer with no team, collector or group).
    const params = new URLSearchParams({ team: row.team ?? "", collector: row.collector ?? "", group: row.customer_group ?? "" });
    pages.push({ page: `aging (customers of path ${path.n})`, path: `/aging?${params}` });
  }
  const shard = largestShard(siteDir, "customers");
  if (shard) {
    const customers = JSON.parse(readFileSync(shard.file, "utf8")) as { customer: { customer_id: string }; open_items: unknown[] }[];
    // Every customer of the shard loads the same file; the one with most open items renders most.
    const heaviest = customers.reduce((a, c) => (c.open_items.length > a.open_items.length ? c : a), customers[0]!);
    pages.push({ page: `customer (shard ${shard.n})`, path: `/customer?id=${encodeURIComponent(heaviest.customer.customer_id)}` });
  }
  pages.push(
    { page: `customers (search "${SEARCH_QUERY}")`, path: "/customers", search: SEARCH_QUERY },
    { page: "credit", path: "/credit" },
    { page: "expected-loss", path: "/expected-loss" },
    { page: "collections", path: "/collections" },
    { page: "data-quality", path: "/data-quality" },
  );
  return pages;
}

const isData = (url: string) => url.includes("/_file/data/") || url.includes("/_arwatch/");

async function loadPage(browser: Browser, origin: string, spec: PageSpec): Promise<PageLoad> {
  const figure: PageLoad = {
    page: spec.page,
    url: spec.search ? `${spec.path} + "${spec.search}"` : spec.path,
    ok: false, totalBytes: 0, dataBytes: 0, responses: 0, dataFiles: 0, largestData: null,
    httpErrors: [], pageErrors: [], tableRows: 0, overTarget: false,
  };
  // A fresh context: an empty cache, so every page pays for everything it loads.
  const context = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const bodies: Promise<void>[] = [];
  const count = async (response: Response) => {
    const url = response.url();
    if (response.status() >= 400) figure.httpErrors.push(`${response.status()} ${url}`);
    let bytes = 0;
    try {
      bytes = (await response.body()).length;
    } catch {
      // A redirect has no body.
    }
    figure.responses++;
    figure.totalBytes += bytes;
    if (isData(url)) {
      figure.dataFiles++;
      figure.dataBytes += bytes;
      if (!figure.largestData || bytes > figure.largestData.bytes) figure.largestData = { url: url.replace(origin, ""), bytes };
    }
  };
  try {
    const page: Page = await context.newPage();
    page.setDefaultTimeout(PAGE_TIMEOUT_MS);
    page.on("response", (r) => bodies.push(count(r)));
    page.on("console", (m) => {
      if (m.type() === "error") figure.pageErrors.push(m.text());
    });
    page.on("pageerror", (e) => figure.pageErrors.push(String(e)));
    await page.goto(origin + spec.path, { waitUntil: "networkidle" });
    if (spec.search) {
      await page.locator("input.customer-search").fill(spec.search);
      await page.waitForTimeout(SEARCH_SETTLE_MS);
      await page.waitForLoadState("networkidle");
    }
    figure.tableRows = await page.locator("table tbody tr").count();
    await Promise.all(bodies);
    figure.ok = true;
  } catch (e) {
    figure.error = (e as Error).message.split("\n")[0];
  } finally {
    await Promise.allSettled(bodies);
    await context.close();
  }
  figure.overTarget = figure.dataBytes > TARGET_PAGE_DATA_BYTES;
  return figure;
}

/** Serves the site, opens each heavy page in Chromium and measures what it loads. */
export async function measureSite(siteDir: string, say: (message: string) => void = () => {}): Promise<SiteFigures> {
  const files = walk(siteDir);
  const figures: SiteFigures = {
    totalBytes: files.reduce((s, f) => s + f.bytes, 0),
    files: files.length,
    largestArwatchFile: largest(files.filter((f) => f.path.startsWith("_arwatch/"))),
    largestDataFile: largest(files.filter((f) => f.path.startsWith("_file/data/"))),
    targetPageDataBytes: TARGET_PAGE_DATA_BYTES,
    pages: [],
    pagesOver: [],
    maxPageDataBytes: null,
  };
  let server: Server | undefined;
  let browser: Browser | undefined;
  try {
    const specs = heaviestPages(siteDir);
    const served = await serveSite(siteDir);
    server = served.server;
    browser = await launchBrowser();
    for (const spec of specs) {
      say(`  ${spec.page}: ${spec.path}${spec.search ? ` + "${spec.search}"` : ""}`);
      figures.pages.push(await loadPage(browser, served.url, spec));
    }
  } catch (e) {
    figures.error = (e as Error).message.split("\n")[0];
  } finally {
    await browser?.close().catch(() => {});
    server?.closeAllConnections();
    server?.close();
  }
  const measured = figures.pages.filter((p) => p.ok);
  figures.pagesOver = measured.filter((p) => p.overTarget).map((p) => p.page);
  figures.maxPageDataBytes = measured.length ? Math.max(...measured.map((p) => p.dataBytes)) : null;
  return figures;
}

/** What went wrong, one line each: pages that failed to load, missing files, page errors. */
export function siteProblems(s: SiteFigures): string[] {
  const out: string[] = [];
  if (s.error) out.push(`site pages: ${s.error}`);
  for (const p of s.pages) {
    if (!p.ok) out.push(`site page ${p.url}: ${p.error ?? "failed"}`);
    if (p.httpErrors.length) out.push(`site page ${p.url}: ${p.httpErrors.length} HTTP error(s), e.g. ${p.httpErrors[0]}`);
    if (p.pageErrors.length) out.push(`site page ${p.url}: ${p.pageErrors.length} console error(s), e.g. ${p.pageErrors[0]}`);
  }
  return out;
}

const kb = (bytes: number) => Math.round(bytes / 1024).toLocaleString("en-US");

export function formatSite(s: SiteFigures): string {
  const rows = s.pages.map((p) => [
    p.page,
    p.ok ? kb(p.totalBytes) : "—",
    p.ok ? kb(p.dataBytes) : "—",
    p.ok ? String(p.dataFiles) : "—",
    p.ok ? (p.largestData ? kb(p.largestData.bytes) : "0") : "—",
    [!p.ok ? "FAILED" : p.overTarget ? "OVER" : "", p.httpErrors.length ? "HTTP ERRORS" : "", p.pageErrors.length ? "PAGE ERRORS" : ""].filter(Boolean).join(" "),
  ]);
  const header = ["page", "total KB", "data KB", "data files", "largest KB", `data ≤ ${kb(s.targetPageDataBytes)} KB per page`];
  const right = [false, true, true, true, true, false];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (right[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ").trimEnd();
  const out = [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...rows.map(line)];
  const file = (f: SiteFile | null) => (f ? `${f.path}, ${kb(f.bytes)} KB` : "—");
  out.push(
    "",
    `site: ${(s.totalBytes / 2 ** 20).toFixed(1)} MB in ${s.files.toLocaleString("en-US")} files; largest under _arwatch: ${file(s.largestArwatchFile)}; largest under _file/data: ${file(s.largestDataFile)}`,
  );
  if (s.maxPageDataBytes !== null) {
    out.push(
      `heaviest page's data: ${kb(s.maxPageDataBytes)} KB — target data ≤ ${kb(s.targetPageDataBytes)} KB per page: ` +
        (s.pagesOver.length ? `MISSED (${s.pagesOver.join(", ")})` : "met"),
    );
  }
  if (s.error) out.push(`site pages FAILED: ${s.error}`);
  return out.join("\n");
}

// Run on its own: measure an existing site.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const dir = process.argv[2];
  if (!dir) {
    console.error("usage: npx tsx bench/site-pages.ts <site dir>");
    process.exit(64);
  }
  const figures = await measureSite(dir, (m) => console.error(m));
  console.log(formatSite(figures));
  for (const p of siteProblems(figures)) console.error(p);
  process.exit(siteProblems(figures).length ? 1 : 0);
}
