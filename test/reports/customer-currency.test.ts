import { existsSync, readFileSync } from "node:fs";
import type { Server } from "node:http";
import { join } from "node:path";
import type { Browser, Locator, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, openWatched, pageTotal } from "../helpers/browser.ts";
import { writeMultiCurrencyLedger, writeThbOnlyLedger } from "../helpers/multi-currency-ledger.ts";
import { ARTIFACTS, siteOfLedger } from "../helpers/site.ts";

const AS_OF = "2024-03-31";
/** A Thai company: THB is the functional currency, read by both builds from their working folder. */
const CONFIG = "currency: THB\n";

/*
 * The worked ledger of test/helpers/multi-currency-ledger.ts, as of 2024-03-31, USD at 36.5 THB
 * (the rate of 03-29; 40.0 of 04-01 is after the as-of date), VND at 0.001437 THB:
 *   C1  U1 and U4 are settled (not open). U2: 1,000.00 − 250.50 = 749.50 USD open, in THB
 *       36,500.00 − 9,143.25 = 27,356.75 (not due). P5: 100.00 USD unapplied = −100.00 USD,
 *       −100.00 × 36.5 = −3,650.00 THB (3 days: 1-30).
 *   C2  V1: 1,000,000 VND (no minor unit: no decimals) = 1,437.00 THB (46 days: 31-60).
 *       T1: 5,000.00 THB, the functional currency (10 days: 1-30).
 */
const builtSite = (write: (db: string) => Promise<void>) => siteOfLedger(write, { config: CONFIG, asOf: AS_OF });

/** The open-items table: the page's one table with a due-date column. */
const openItems = (page: Page, due = "Due") => page.locator("table.data", { has: page.locator("th", { hasText: new RegExp(`^${due}$`) }) });

/** The table's rows as {column label: cell text}, keyed by the first cell (the document). */
async function rowsByDocument(table: Locator): Promise<Record<string, Record<string, string>>> {
  const headers = await table.locator("thead th").allTextContents();
  const rows = await table.locator("tbody tr").evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent ?? "")));
  return Object.fromEntries(rows.map((cells) => [cells[0]!, Object.fromEntries(headers.map((h, i) => [h, cells[i]!]))]));
}

/** The lines of the table's CSV download, its BOM dropped. */
async function downloaded(page: Page, table: Locator): Promise<string[]> {
  const block = page.locator("div.table-block", { has: table });
  const [download] = await Promise.all([page.waitForEvent("download"), block.locator("button.download").click()]);
  return readFileSync((await download.path())!, "utf8").replace(/^\uFEFF/, "").trim().split(/\r?\n/);
}

const CSV_HEADER = "Document,Type,Date,Due,Amount,Outstanding,Days past due,Bucket,Currency,Outstanding in currency";
/** A CSV line's document, outstanding and the two currency columns (the last two). */
const currencyFields = (lines: string[]) =>
  Object.fromEntries(lines.slice(1).map((line) => line.split(",")).map((f) => [f[0]!, [f[5], f.at(-2), f.at(-1)]]));

describe.skipIf(!existsSync(CHROMIUM))("open items in their own currency, in a real browser", () => {
  let networkLog: string;
  let server: Server;
  let origin: string;
  let browser: Browser;
  let dialogs = 0;
  const open = (path: string) => openWatched(browser, origin + path, () => dialogs++);

  beforeAll(async () => {
    ({ networkLog, server, origin, browser } = await builtSite(writeMultiCurrencyLedger));
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  it("shows C1's USD items in USD beside their THB outstanding, and downloads both raw", async () => {
    expect(readFileSync(networkLog, "utf8")).toBe("");
    const { page, seen } = await open("/customer?id=C1");
    await page.screenshot({ path: join(ARTIFACTS, "site-customer-currency.png"), fullPage: true });
    const table = openItems(page);
    expect(await table.locator("thead th").allTextContents()).toEqual(["Document", "Type", "Date", "Due", "Amount", "Outstanding", "In currency", "Days past due", "Bucket"]);
    const rows = await rowsByDocument(table);
    // U1 and U4 are settled: only U2 and P5 are open.
    expect(Object.keys(rows).sort()).toEqual(["P5", "U2"]);
    expect([rows.U2!.Outstanding, rows.U2!["In currency"]]).toEqual(["27,356.75", "USD 749.50"]);
    expect([rows.P5!.Outstanding, rows.P5!["In currency"]]).toEqual(["-3,650.00", "USD -100.00"]);
    const lines = await downloaded(page, table);
    expect(lines[0]).toBe(CSV_HEADER);
    expect(currencyFields(lines)).toEqual({ U2: ["27356.75", "USD", "749.50"], P5: ["-3650.00", "USD", "-100.00"] });
    expect(dialogs).toBe(0);
    expect(seen.errors).toEqual([]);
    expect(seen.requests.filter((r) => !r.startsWith(`${origin}/`))).toEqual([]);
    expect(new URL(origin).hostname).toBe("127.0.0.1");
    await page.close();
  });

  it("shows C2's VND item without decimals and leaves its THB item's cell empty", async () => {
    const { page, seen } = await open("/customer?id=C2");
    const rows = await rowsByDocument(openItems(page));
    expect(Object.keys(rows).sort()).toEqual(["T1", "V1"]);
    expect([rows.V1!.Outstanding, rows.V1!["In currency"]]).toEqual(["1,437.00", "VND 1,000,000"]);
    expect([rows.T1!.Outstanding, rows.T1!["In currency"]]).toEqual(["5,000.00", ""]);
    const lines = await downloaded(page, openItems(page));
    // The raw values, as marts.fct_open_items holds them: DECIMAL(38,2) even for VND.
    expect(currencyFields(lines)).toEqual({ V1: ["1437.00", "VND", "1000000.00"], T1: ["5000.00", "THB", "5000.00"] });
    expect(seen.errors).toEqual([]);
    expect(seen.requests.filter((r) => !r.startsWith(`${origin}/`))).toEqual([]);
    await page.close();
  });

  it("lists them so at the Aging page's invoice level too", async () => {
    // C1 has no team and no collector: its path is team=, collector=, group Export.
    const { page, seen } = await open("/aging?team=&collector=&group=Export&customer=C1");
    const table = openItems(page);
    const rows = await rowsByDocument(table);
    expect([rows.U2!.Outstanding, rows.U2!["In currency"]]).toEqual(["27,356.75", "USD 749.50"]);
    expect([rows.P5!.Outstanding, rows.P5!["In currency"]]).toEqual(["-3,650.00", "USD -100.00"]);
    const lines = await downloaded(page, table);
    expect(lines[0]).toBe(CSV_HEADER);
    expect(currencyFields(lines)).toEqual({ U2: ["27356.75", "USD", "749.50"], P5: ["-3650.00", "USD", "-100.00"] });
    expect(seen.errors).toEqual([]);
    expect(seen.requests.filter((r) => !r.startsWith(`${origin}/`))).toEqual([]);
    await page.close();
  });

  it("reads in Vietnamese and Thai, with each locale's marks", async () => {
    const { page, seen } = await open("/customer?id=C2");
    await Promise.all([page.waitForEvent("load"), page.locator(".locale-switch select").selectOption("vi")]);
    await page.waitForLoadState("networkidle");
    const vi = await rowsByDocument(openItems(page, "Hạn thanh toán"));
    expect(vi.V1!["Nguyên tệ"]).toBe("VND 1.000.000");
    await Promise.all([page.waitForEvent("load"), page.locator(".locale-switch select").selectOption("th")]);
    await page.waitForLoadState("networkidle");
    const thai = page.locator("table.data").first();
    expect(await thai.locator("thead th").allTextContents()).toContain("ในสกุลเงินเดิม");
    expect(seen.errors).toEqual([]);
    await page.close();
  });
});

// One site of a ledger in one currency serves both pages' checks (the Aging page's by-currency
// section is tested in aging-by-currency.test.ts).
describe.skipIf(!existsSync(CHROMIUM))("a ledger in one currency", () => {
  let server: Server;
  let origin: string;
  let browser: Browser;

  beforeAll(async () => {
    ({ server, origin, browser } = await builtSite(writeThbOnlyLedger));
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  it("has no by-currency section on the Aging page", async () => {
    const { page, seen } = await openWatched(browser, `${origin}/aging`, () => {});
    // The page did render: T1 and T2, 5,000.00 + 1,000.00, are the whole aging.
    expect(await pageTotal(page)).toBe("6,000.00");
    expect(await page.locator("#aging-by-currency").count()).toBe(0);
    expect(await page.getByText("By currency").count()).toBe(0);
    expect(seen.errors).toEqual([]);
    expect(seen.requests.filter((r) => !r.startsWith(`${origin}/`))).toEqual([]);
    await page.close();
  });

  it("has no In currency column, and its shards no currency fields", async () => {
    const { page, seen } = await openWatched(browser, `${origin}/customer?id=C2`, () => {});
    const table = openItems(page);
    expect(await table.locator("thead th").allTextContents()).toEqual(["Document", "Type", "Date", "Due", "Amount", "Outstanding", "Days past due", "Bucket"]);
    expect(Object.keys(await rowsByDocument(table)).sort()).toEqual(["T1", "T2"]);
    expect(await page.getByText("In currency").count()).toBe(0);
    // The download keeps its columns: every item is in THB, its outstanding in THB its outstanding.
    const lines = await downloaded(page, table);
    expect(lines[0]).toBe(CSV_HEADER);
    expect(currencyFields(lines)).toEqual({ T1: ["5000.00", "THB", "5000.00"], T2: ["1000.00", "THB", "1000.00"] });
    const shard = (await (await fetch(`${origin}/_arwatch/customers/0.json`)).json()) as { open_items: Record<string, unknown>[] }[];
    expect(shard[0]!.open_items.map((i) => i.document_id).sort()).toEqual(["T1", "T2"]);
    expect(shard[0]!.open_items.flatMap((i) => Object.keys(i)).filter((k) => k === "currency" || k === "outstanding_in_currency")).toEqual([]);
    expect(seen.errors).toEqual([]);
    expect(seen.requests.filter((r) => !r.startsWith(`${origin}/`))).toEqual([]);
    await page.close();
  });
});
