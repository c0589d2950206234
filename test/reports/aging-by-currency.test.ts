import { existsSync, readFileSync } from "node:fs";
import type { Server } from "node:http";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openWarehouse } from "../../core/warehouse.ts";
import { CHROMIUM, openWatched, pageTotal, tableCells } from "../helpers/browser.ts";
import { writeMultiCurrencyLedger } from "../helpers/multi-currency-ledger.ts";
import { ARTIFACTS, siteOfLedger } from "../helpers/site.ts";

const AS_OF = "2024-03-31";
/** A Thai company: THB is the functional currency, read by both builds from their working folder. */
const CONFIG = "currency: THB\n";

/*
 * The worked ledger of test/helpers/multi-currency-ledger.ts (README: Several currencies), as of
 * 2024-03-31. Rates, THB per unit: USD 36.5 (of 03-29; 36.0 of 03-28 is older, 40.0 of 04-01 after
 * the as-of date), VND 0.001437. Open (U1 and U4 are settled):
 *   U2  USD invoice 1,000.00 due 03-31 (not due), P4 250.50 USD paid on it: 749.50 USD open;
 *       in THB 1,000.00 × 36.5 = 36,500.00 − 250.50 × 36.5 = 9,143.25 → 27,356.75.
 *   P5  100.00 USD unapplied, paid 03-28 (3 days: 1-30): −100.00 USD = −3,650.00 THB.
 *   V1  VND invoice 1,000,000 due 02-14 (46 days: 31-60): × 0.001437 = 1,437.00 THB.
 *   T1  THB invoice 5,000.00 due 03-21 (10 days: 1-30).
 * By currency: USD 749.50 − 100.00 = 649.50 = 27,356.75 − 3,650.00 = 23,706.75 THB (2 items);
 * THB 5,000.00 (1); VND 1,000,000 = 1,437.00 THB (1). By bucket in THB: not_due 27,356.75,
 * 1-30 −3,650.00 + 5,000.00 = 1,350.00, 31-60 1,437.00; total 30,143.75 THB, 4 open items.
 */
const builtSite = (write: (db: string) => Promise<void>) => siteOfLedger(write, { config: CONFIG, asOf: AS_OF });


describe.skipIf(!existsSync(CHROMIUM))("the Aging page by currency, in a real browser", () => {
  let db: string;
  let networkLog: string;
  let server: Server;
  let origin: string;
  let browser: Browser;
  let dialogs = 0;
  const open = (path: string) => openWatched(browser, origin + path, () => dialogs++);

  beforeAll(async () => {
    ({ db, networkLog, server, origin, browser } = await builtSite(writeMultiCurrencyLedger));
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  it("shows each currency in its own minor units with its rate, and a THB total equal to the page's", async () => {
    expect(readFileSync(networkLog, "utf8")).toBe("");
    const { page, seen } = await open("/aging");
    await page.screenshot({ path: join(ARTIFACTS, "site-aging-by-currency.png"), fullPage: true });
    expect(await page.locator("#aging-by-currency h2").textContent()).toBe("By currency");
    expect(await page.locator("#aging-by-currency th").allTextContents()).toEqual([
      "Currency", "Not due", "1-30", "31-60", "61-90", "91-120", "121+", "Outstanding in currency", "Rate", "Outstanding in THB", "Open items",
    ]);
    // Largest in THB first; the buckets in the row's currency: USD with cents, VND with none.
    expect(await tableCells(page, "#aging-by-currency")).toEqual([
      ["USD", "749.50", "-100.00", "0.00", "0.00", "0.00", "0.00", "649.50", "1 USD = 36.5 THB, rate of 29 Mar 2024", "23,706.75", "2"],
      ["THB", "0.00", "5,000.00", "0.00", "0.00", "0.00", "0.00", "5,000.00", "Functional currency", "5,000.00", "1"],
      ["VND", "0", "0", "1,000,000", "0", "0", "0", "1,000,000", "1 VND = 0.001437 THB, rate of 29 Mar 2024", "1,437.00", "1"],
      ["Total in THB", "27,356.75", "1,350.00", "1,437.00", "0.00", "0.00", "0.00", "", "", "30,143.75", "4"],
    ]);
    expect(await pageTotal(page)).toBe("30,143.75");
    // The mart agrees with the hand: the page shows its figures.
    const wh = await openWarehouse(db, { readOnly: true });
    const marts = await wh.all<{ currency: string; in_currency: string; thb: string }>(
      `select currency, sum(outstanding_in_currency)::VARCHAR as in_currency, sum(outstanding_amount)::VARCHAR as thb
         from marts.rpt_aging_by_currency group by all order by currency`,
    );
    wh.close();
    expect(marts).toEqual([
      { currency: "THB", in_currency: "5000.00", thb: "5000.00" },
      { currency: "USD", in_currency: "649.50", thb: "23706.75" },
      { currency: "VND", in_currency: "1000000.00", thb: "1437.00" },
    ]);
    expect(dialogs).toBe(0);
    expect(seen.errors).toEqual([]);
    expect(seen.requests.filter((r) => !r.startsWith(`${origin}/`))).toEqual([]);
    expect(new URL(origin).hostname).toBe("127.0.0.1");
    await page.close();
  });

  it("downloads the mart's rows: every currency × bucket, with exact amounts and rates", async () => {
    const { page, seen } = await open("/aging");
    const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#aging-by-currency button.download").click()]);
    expect(download.suggestedFilename()).toBe(`aging-by-currency-${AS_OF}.csv`);
    const lines = readFileSync((await download.path())!, "utf8").replace(/^\uFEFF/, "").trim().split(/\r?\n/);
    expect(lines[0]).toBe("as_of_date,currency,is_functional,bucket_order,aging_bucket,outstanding_in_currency,outstanding_amount,fx_rate,fx_rate_date,open_items,customers");
    // 3 currencies × 6 buckets, empty ones with 0.
    expect(lines).toHaveLength(1 + 18);
    expect(lines).toContain("2024-03-31,USD,false,0,not_due,749.50,27356.75,36.500000000000,2024-03-29,1,1");
    expect(lines).toContain("2024-03-31,USD,false,1,1-30,-100.00,-3650.00,36.500000000000,2024-03-29,1,1");
    expect(lines).toContain("2024-03-31,VND,false,2,31-60,1000000.00,1437.00,0.001437000000,2024-03-29,1,1");
    expect(lines).toContain("2024-03-31,THB,true,1,1-30,5000.00,5000.00,1.000000000000,,1,1");
    expect(lines).toContain("2024-03-31,VND,false,5,121+,0.00,0.00,0.001437000000,2024-03-29,0,0");
    expect(seen.errors).toEqual([]);
    await page.close();
  });

  it("reads in Vietnamese and Thai, with each locale's marks and calendar", async () => {
    const { page, seen } = await open("/aging");
    await Promise.all([page.waitForEvent("load"), page.locator(".locale-switch select").selectOption("vi")]);
    await page.waitForLoadState("networkidle");
    expect(await page.locator("#aging-by-currency h2").textContent()).toBe("Theo loại tiền");
    const vi = await tableCells(page, "#aging-by-currency");
    expect(vi[0]!.slice(0, 3)).toEqual(["USD", "749,50", "-100,00"]);
    expect(vi[0]!.slice(7, 8)).toEqual(["649,50"]);
    expect(vi[0]![8]).toMatch(/^1 USD = 36,5 THB, tỷ giá ngày .*2024$/);
    expect(vi[0]!.slice(9)).toEqual(["23.706,75", "2"]);
    expect(vi[2]!.slice(0, 4)).toEqual(["VND", "0", "0", "1.000.000"]);
    expect(vi[2]![8]).toMatch(/^1 VND = 0,001437 THB, tỷ giá ngày /);
    expect(vi[3]!.at(0)).toBe("Tổng quy đổi THB");
    expect(vi[3]!.at(-2)).toBe("30.143,75");
    await Promise.all([page.waitForEvent("load"), page.locator(".locale-switch select").selectOption("th")]);
    await page.waitForLoadState("networkidle");
    expect(await page.locator("#aging-by-currency h2").textContent()).toBe("ตามสกุลเงิน");
    const th = await tableCells(page, "#aging-by-currency");
    // 2024 is 2567 in the Buddhist calendar.
    expect(th[0]![8]).toMatch(/^1 USD = 36\.5 THB อัตรา ณ วันที่ 29 .*2567$/);
    expect(th[1]![8]).toBe("สกุลเงินที่ใช้ในการดำเนินงาน");
    expect(th[3]!.at(0)).toBe("รวมเป็น THB");
    expect(th[3]!.at(-2)).toBe("30,143.75");
    expect(seen.errors).toEqual([]);
    await page.close();
  });

  it("is a company-level section: a team's aging has no by-currency table", async () => {
    // Neither customer has a team: the company's one team row is "(none)", reached with team=.
    const { page, seen } = await open("/aging?team=");
    expect(await pageTotal(page)).toBe("30,143.75");
    expect(await page.locator("#aging-by-currency").count()).toBe(0);
    expect(seen.errors).toEqual([]);
    await page.close();
  });
});
