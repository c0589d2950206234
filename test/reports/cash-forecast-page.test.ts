import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openWarehouse } from "../../core/warehouse.ts";
import { ensureRawSchema } from "../../ingest/schema.ts";
import { CHROMIUM, openWatched, tableCells } from "../helpers/browser.ts";
import { ARTIFACTS, buildAndServeSite } from "../helpers/site.ts";
import { arwatch } from "../helpers/cli.ts";
import { insertRaw, tempDir } from "../helpers/warehouse.ts";

const AS_OF = "2024-06-30";
/** A's team, as an extract might carry it. */
const TEAM = "<img src=x onerror=alert(1)>";

/*
 * The worked example (README: Cash forecast), as of 2024-06-30. Two customers in one group G1:
 * A (team TEAM, collector Ann) and B (team T2, collector Bob). Paid documents:
 *   A1 1,000.00 issued 04-01 due 05-10, paid 05-15 (5 days late)
 *   A2   600.00 issued 05-01 due 06-05, paid 06-12 (7 days late)
 *   B1   400.00 issued 05-20 due 06-20, paid 06-18 (2 days early)
 * Open at the as-of date: A3 800.00 issued 06-10 due 07-10 (not yet due), B2 300.00 issued 06-05
 * due 06-25 (5 days overdue). No customer or group has 5 payments, so every document follows the
 * portfolio's payments (weighted by amount), of those later than p = as-of − due date:
 *   A3, p = −10: all three: −2 (400) → 07-08, week 2; 5 (1,000) and 7 (600) → 07-15, 07-17, week 3
 *       → week 2: 800 × 400/2000 = 160.00, week 3: 800 × 1600/2000 = 640.00 (not yet due);
 *   B2, p = 5: only the 7 days (600) → 07-02, week 1: 300.00 (overdue).
 * Expected credit loss is taken off first: finance's loss rates (CONFIG, method matrix) are 0 not
 * due and 10% for 1–30 days, so B2 counts 300 × 0.9 = 270.00 and A3 all of 800.
 * Week 1 is 1–7 July, week 2 8–14 July, week 13 23–29 September. Company: 270 + 160 + 640 = 1,070.00.
 * (The back-test's documents were all not yet due at their month-ends: nothing is taken off there.)
 *
 * Back-test: month-end 04-30 (weeks from 05-01: wk2 05-08..14, wk3 05-15..21; week 9 ends 07-02,
 * after the as-of date, so weeks 9–13 have no actual) has A1 open; no payment was known by then, so
 * the forecast is 0; naive: due 05-10 → week 2 = 1,000; actual: paid 05-15 → week 3 = 1,000.
 * Month-end 05-31 (wk1 06-01..07, wk2 06-08..14, wk3 06-15..21, wk4 06-22..28; week 5 ends 07-05, no
 * actual) has A2 and B1 open; the portfolio's one payment (A1, 5 days late) sends A2 to 06-10
 * (week 2: 600) and B1 to 06-25 (week 4: 400); naive: A2 due 06-05 week 1 = 600, B1 due 06-20
 * week 3 = 400; actual: A2 06-12 week 2 = 600, B1 06-18 week 3 = 400.
 * Errors (Σ|error| ÷ Σ actual over month-ends with an actual; earlier month-ends add nothing):
 *   week 1: actual 0 → no error to show;
 *   week 2: forecast |0−0| + |600−600| = 0 ÷ 600 = 0.00%; naive |1000−0| + |0−600| = 1600 ÷ 600 = 266.67%
 *   week 3: forecast |0−1000| + |0−400| = 1400 ÷ 1400 = 100.00%; naive |0−1000| + |400−400| = 1000 ÷ 1400 = 71.43%
 *   week 4: actual 0 → none;
 *   all weeks: forecast 0 + 1400 + 400 (week 4 of 05-31) = 1800 ÷ 2000 = 90.00%;
 *              naive 600 + 1600 + 1000 = 3200 ÷ 2000 = 160.00%.
 */
const CONFIG = `expectedLoss:
  method: matrix
  lossRates: { not_due: 0, "1-30": 0.1, "31-60": 0.5, "61-90": 1, "91-120": 1, "121+": 1 }
`;

async function insertLedger(db: string): Promise<void> {
  const wh = await openWarehouse(db);
  await ensureRawSchema(wh);
  await insertRaw(wh, "customers", [
    { customer_id: "A", customer_name: "Ayutthaya Steel", customer_group: "G1", team: TEAM, collector: "Ann" },
    { customer_id: "B", customer_name: "Bangkok Paper", customer_group: "G1", team: "T2", collector: "Bob" },
  ]);
  const invoice = (document_id: string, customer_id: string, document_date: string, due_date: string, amount: string) =>
    ({ document_id, customer_id, document_type: "invoice", document_date, due_date, amount });
  await insertRaw(wh, "invoices", [
    invoice("A1", "A", "2024-04-01", "2024-05-10", "1000.00"),
    invoice("A2", "A", "2024-05-01", "2024-06-05", "600.00"),
    invoice("A3", "A", "2024-06-10", "2024-07-10", "800.00"),
    invoice("B1", "B", "2024-05-20", "2024-06-20", "400.00"),
    invoice("B2", "B", "2024-06-05", "2024-06-25", "300.00"),
  ]);
  const payment = (payment_id: string, customer_id: string, payment_date: string, amount: string, document_id: string) =>
    ({ payment_id, customer_id, payment_date, amount, document_id });
  await insertRaw(wh, "payments", [
    payment("P1", "A", "2024-05-15", "1000.00", "A1"),
    payment("P2", "A", "2024-06-12", "600.00", "A2"),
    payment("P3", "B", "2024-06-18", "400.00", "B1"),
  ]);
  wh.close();
}

describe.skipIf(!existsSync(CHROMIUM))("the Cash forecast page, in a real browser", () => {
  let dir: string;
  let db: string;
  let networkLog: string;
  let server: Server;
  let origin: string;
  let browser: Browser;
  let dialogs = 0;

  const open = (path: string) => openWatched(browser, origin + path, () => dialogs++);

  beforeAll(async () => {
    dir = tempDir();
    db = join(dir, "warehouse.duckdb");
    networkLog = join(dir, "network.log");
    writeFileSync(networkLog, "");
    await insertLedger(db);
    // Read by both builds from their working folder.
    writeFileSync(join(dir, "arwatch.config.yaml"), CONFIG);
    const built = arwatch(["build", "--db", db, "--as-of", AS_OF], { cwd: dir });
    expect(built.stderr).not.toMatch(/arwatch: /);
    expect(built.status).toBe(0);
    ({ server, origin, browser } = await buildAndServeSite({ db, site: join(dir, "site"), networkLog, cwd: dir }));
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  it("shows the company's 13 weeks as worked by hand, adding up to the mart's total", async () => {
    expect(readFileSync(networkLog, "utf8")).toBe("");
    const { page, seen } = await open("/cash-forecast");
    await page.screenshot({ path: join(ARTIFACTS, "site-cash-forecast.png"), fullPage: true });
    expect(await page.locator("h1").first().textContent()).toBe("Cash forecast");
    const weeks = await tableCells(page, "#forecast-weeks");
    // Week, from, to, not yet due, overdue, open orders, expected.
    expect(weeks.slice(0, 3)).toEqual([
      ["1", "1 Jul 2024", "7 Jul 2024", "0.00", "270.00", "0.00", "270.00"],
      ["2", "8 Jul 2024", "14 Jul 2024", "160.00", "0.00", "0.00", "160.00"],
      ["3", "15 Jul 2024", "21 Jul 2024", "640.00", "0.00", "0.00", "640.00"],
    ]);
    expect(weeks).toHaveLength(14);
    expect(weeks[12]!.slice(0, 3)).toEqual(["13", "23 Sept 2024", "29 Sept 2024"]);
    expect(weeks[13]).toEqual(["Total", "", "", "800.00", "270.00", "0.00", "1,070.00"]);
    // The mart agrees with the hand: the page shows its figures, not its own.
    const wh = await openWarehouse(db, { readOnly: true });
    const [mart] = await wh.all<{ total: string; weeks: number }>(
      "select sum(expected_amount)::VARCHAR as total, count(*)::INTEGER as weeks from marts.rpt_cash_forecast where level = 'company'",
    );
    wh.close();
    expect(mart).toEqual({ total: "1070.00", weeks: 13 });
    expect(seen.errors).toEqual([]);
    expect(seen.requests.filter((r) => !r.startsWith(origin))).toEqual([]);
    await page.close();
  });

  it("drills to a team whose name is hostile, and keeps it text", async () => {
    const { page, seen } = await open("/cash-forecast");
    await page.locator("#forecast-level").selectOption("team");
    // The largest team first: A's (800.00) before T2 (270.00).
    await expect.poll(() => page.locator("#forecast-value option").allTextContents()).toEqual([TEAM, "T2"]);
    await expect.poll(async () => (await tableCells(page, "#forecast-weeks")).at(-1)).toEqual(["Total", "", "", "800.00", "0.00", "0.00", "800.00"]);
    expect(await tableCells(page, "#forecast-by-level")).toEqual([
      [TEAM, "800.00", "0.00", "0.00", "800.00"],
      ["T2", "0.00", "270.00", "0.00", "270.00"],
    ]);
    await page.locator("#forecast-value").selectOption({ label: "T2" });
    await expect.poll(async () => (await tableCells(page, "#forecast-weeks"))[0]).toEqual(["1", "1 Jul 2024", "7 Jul 2024", "0.00", "270.00", "0.00", "270.00"]);
    await page.screenshot({ path: join(ARTIFACTS, "site-cash-forecast-team.png"), fullPage: true });
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(dialogs).toBe(0);
    // The download holds the team's name as text (a name starting with = would get an apostrophe).
    const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#forecast-by-level button.download").click()]);
    const csv = readFileSync((await download.path())!, "utf8");
    expect(csv).toContain(`${TEAM},800.00,0.00,0.00,800.00`);
    expect(seen.errors).toEqual([]);
    await page.close();
  });

  it("shows forecast vs actual: the error by week ahead and the month-ends of a chosen week", async () => {
    const { page, seen } = await open("/cash-forecast");
    const accuracy = await tableCells(page, "#forecast-accuracy");
    // Week ahead, month-ends, actual, error of the forecast, of the naive forecast. Weeks 1–8 have
    // both month-ends with an actual, week 9 onwards only 05-31 … none (see above); the month-ends
    // before April, with nothing open, add 0 to every sum, so their count is the mart's.
    const wh = await openWarehouse(db, { readOnly: true });
    const counts = await wh.all<{ week: number; n: number }>(
      "select week, count(actual_amount)::INTEGER as n from marts.rpt_cash_forecast_backtest group by week order by week",
    );
    wh.close();
    expect(counts.find((c) => c.week === 3)!.n - counts.find((c) => c.week === 13)!.n).toBe(2);
    const n = (week: number) => String(counts.find((c) => c.week === week)!.n);
    expect(accuracy.slice(0, 4)).toEqual([
      ["1", n(1), "0.00", "–", "–"],
      ["2", n(2), "600.00", "0.00%", "266.67%"],
      ["3", n(3), "1,400.00", "100.00%", "71.43%"],
      ["4", n(4), "0.00", "–", "–"],
    ]);
    expect(accuracy.at(-1)).toEqual(["All weeks", String(counts.reduce((s, c) => s + c.n, 0)), "2,000.00", "90.00%", "160.00%"]);
    await page.locator("#forecast-horizon").selectOption("2");
    // Month-end, from, to, forecast, naive, actual, forecast − actual, naive − actual (the last two).
    await expect.poll(async () => (await tableCells(page, "#forecast-backtest")).slice(-2)).toEqual([
      ["30 Apr 2024", "8 May 2024", "14 May 2024", "0.00", "1,000.00", "0.00", "0.00", "1,000.00"],
      ["31 May 2024", "8 Jun 2024", "14 Jun 2024", "600.00", "0.00", "600.00", "0.00", "-600.00"],
    ]);
    await page.screenshot({ path: join(ARTIFACTS, "site-cash-forecast-backtest.png"), fullPage: true });
    expect(seen.errors).toEqual([]);
    expect(seen.requests.filter((r) => !r.startsWith(origin))).toEqual([]);
    await page.close();
  });

  it("reads in Vietnamese and Thai", async () => {
    const { page, seen } = await open("/cash-forecast");
    await Promise.all([page.waitForEvent("load"), page.locator(".locale-switch select").selectOption("vi")]);
    await page.waitForLoadState("networkidle");
    expect(await page.locator("h1").first().textContent()).toBe("Dự báo dòng tiền thu");
    expect((await tableCells(page, "#forecast-weeks")).at(-1)).toEqual(["Tổng", "", "", "800,00", "270,00", "0,00", "1.070,00"]);
    await Promise.all([page.waitForEvent("load"), page.locator(".locale-switch select").selectOption("th")]);
    await page.waitForLoadState("networkidle");
    expect(await page.title()).toBe("ประมาณการเงินสดรับ | arwatch");
    expect(seen.errors).toEqual([]);
    await page.close();
  });
});
