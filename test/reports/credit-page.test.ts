import { existsSync, readFileSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../../core/config.ts";
import { openWarehouse } from "../../core/warehouse.ts";
import { openCreditSession } from "../../credit/session.ts";
import { ensureRawSchema } from "../../ingest/schema.ts";
import { CHROMIUM, openWatched, tableCells } from "../helpers/browser.ts";
import { ARTIFACTS, buildAndServeSite } from "../helpers/site.ts";
import { arwatch } from "../helpers/cli.ts";
import { insertRaw, tempDir } from "../helpers/warehouse.ts";

const AS_OF = "2024-03-31";
const NAME = "<img src=x onerror=alert(1)>";
const WHY = "<script>alert(2)</script> paid by transfer";

/*
 * The worked example, as of 2024-03-31, default policy (holdDaysPastDue 60, graceDays 0).
 * A "Ayutthaya Steel", limit 1,000.00: A0 500.00 paid on time in January (so a prompt payer, not
 * unstable), A1 1,200.00 due 2024-02-15 open → 45 days past due; over its limit → hold (over_limit).
 * B (a hostile name), limit 5,000.00: B1 500.00 due 2024-01-15 → 76 days past due (16 + 29 + 31)
 * → hold (days_past_due); unstable, but under its limit, so no block.
 * C "Chiang Mai Paper", limit 5,000.00: C1 300.00 due 2024-04-30, not due.
 * Checks, one minute apart: A 100.00 for SO-7 → hold (over_limit; overdue warns), exposure after
 * 1,200 + 100 = 1,300.00; C 250.00 for SO-8 → approve, 300 + 250 = 550.00; then Mai overrides A's
 * hold with a hostile reason, which reserves its 100.00.
 * → after the next build: holds A (exposure 1,200 + 100 pending = 1,300.00) and B (500.00);
 * checks C then A (latest first), A overridden by Mai; one override.
 */
async function insertLedger(db: string): Promise<void> {
  const wh = await openWarehouse(db);
  await ensureRawSchema(wh);
  await insertRaw(wh, "customers", [
    { customer_id: "A", customer_name: "Ayutthaya Steel", team: "T1", collector: "Ann", credit_limit: "1000.00" },
    { customer_id: "B", customer_name: NAME, team: "T1", collector: "Bob", credit_limit: "5000.00" },
    { customer_id: "C", customer_name: "Chiang Mai Paper", team: "T2", collector: "Cat", credit_limit: "5000.00" },
  ]);
  const invoice = (document_id: string, customer_id: string, document_date: string, due_date: string, amount: string) =>
    ({ document_id, customer_id, document_type: "invoice", document_date, due_date, amount });
  await insertRaw(wh, "invoices", [
    invoice("A0", "A", "2023-12-01", "2024-01-15", "500.00"),
    invoice("A1", "A", "2024-01-16", "2024-02-15", "1200.00"),
    invoice("B1", "B", "2023-12-16", "2024-01-15", "500.00"),
    invoice("C1", "C", "2024-03-31", "2024-04-30", "300.00"),
  ]);
  await insertRaw(wh, "payments", [{ payment_id: "P1", customer_id: "A", payment_date: "2024-01-10", amount: "500.00", document_id: "A0" }]);
  wh.close();
}

const cells = tableCells;

describe.skipIf(!existsSync(CHROMIUM))("the Credit checks page, in a real browser", () => {
  let dir: string;
  let networkLog: string;
  let server: Server;
  let origin: string;
  let browser: Browser;
  let dialogs = 0;

  /** Opens a path in a fresh watched page that counts dialogs (an executed alert(1) would open one). */
  const open = (path: string) => openWatched(browser, origin + path, () => dialogs++);

  beforeAll(async () => {
    dir = tempDir();
    const db = join(dir, "warehouse.duckdb");
    const site = join(dir, "site");
    networkLog = join(dir, "network.log");
    writeFileSync(networkLog, "");
    await insertLedger(db);
    const first = arwatch(["build", "--db", db, "--as-of", AS_OF], { cwd: dir });
    expect(first.stderr).not.toMatch(/arwatch: /);
    expect(first.status).toBe(0);
    // The checks and the override, recorded by the credit check itself (as the server would).
    let at = new Date();
    const session = await openCreditSession({ db, config: parseConfig({}), writer: "test", now: () => at });
    const held = await session.service.check({ customerId: "A", amount: "100.00", orderId: "SO-7", source: "api" });
    expect(held.decision).toBe("hold");
    at = new Date(at.getTime() + 60_000);
    expect((await session.service.check({ customerId: "C", amount: "250.00", orderId: "SO-8", source: "cli" })).decision).toBe("approve");
    at = new Date(at.getTime() + 60_000);
    await session.service.override(held.check_id, { by: "Mai", reason: WHY });
    await session.close();
    // The next build copies the log in and works out the holds; then the site, with no network.
    const second = arwatch(["build", "--db", db, "--as-of", AS_OF], { cwd: dir });
    expect(second.stderr).toContain("credit log: 2 checks, 1 later overrides");
    expect(second.stderr).toContain("credit holds: 2 on hold, 0 blocked");
    expect(second.status).toBe(0);
    ({ server, origin, browser } = await buildAndServeSite({ db, site, networkLog, cwd: dir }));
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  it("shows the holds, the recent checks and the override, as worked by hand, with hostile text inert", async () => {
    expect(readFileSync(networkLog, "utf8")).toBe("");
    const { page, seen } = await open("/credit-checks");
    await page.screenshot({ path: join(ARTIFACTS, "site-credit-checks.png"), fullPage: true });
    expect(await page.locator("h1").first().textContent()).toBe("Credit checks");
    expect(await page.locator("#credit-on-hold .big").textContent()).toBe("2");
    expect(await page.locator("#credit-blocked .big").textContent()).toBe("0");
    expect(await page.locator("#credit-checks .big").textContent()).toBe("2");
    expect(await page.locator("#credit-overrides-count .big").textContent()).toBe("1");
    // Decision, customer, reasons, exposure, limit, overdue, days past due, override until.
    expect(await cells(page, "#credit-holds")).toEqual([
      ["Hold", "Ayutthaya Steel", "Over the credit limit", "1,300.00", "1,000.00", "1,200.00", "45", "–"],
      ["Hold", NAME, "Long overdue", "500.00", "5,000.00", "500.00", "76", "–"],
    ]);
    // The sentence the check gave is there on hover.
    expect(await page.locator("#credit-holds tbody tr").nth(1).locator("td").nth(2).locator("span").getAttribute("title")).toMatch(/more than 60 days past due/);
    const recent = await cells(page, "#credit-recent");
    expect(recent.map((r) => r.slice(1))).toEqual([
      ["Chiang Mai Paper", "SO-8", "250.00", "Approve", "", "550.00", "5,000.00", "–"],
      ["Ayutthaya Steel", "SO-7", "100.00", "Hold", "Over the credit limit, Overdue", "1,300.00", "1,000.00", "Mai"],
    ]);
    expect(recent.every((r) => r[0] !== "–")).toBe(true);
    const overrides = await cells(page, "#credit-overrides");
    expect(overrides.map((r) => r.slice(1))).toEqual([["Mai", WHY, "Ayutthaya Steel", "SO-7", "100.00", "Hold", "–", "–"]]);
    // A customer's name links to its page.
    expect(await page.locator("#credit-holds tbody tr").first().locator("a").getAttribute("href")).toBe("./customer?id=A");
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await page.locator("main script").count()).toBe(0);
    expect(dialogs).toBe(0);
    expect(seen.errors).toEqual([]);
    expect(seen.requests.filter((r) => !r.startsWith(origin))).toEqual([]);
    // The download keeps the codes.
    const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#credit-holds button.download").click()]);
    const csv = readFileSync((await download.path())!, "utf8");
    expect(csv.split("\n")[0]).toContain("Decision");
    expect(csv).toContain("hold,Ayutthaya Steel,over_limit,1300.00,1000.00");
    await page.close();
  });

  it("reads in Vietnamese and Thai", async () => {
    const { page, seen } = await open("/credit-checks");
    await Promise.all([page.waitForEvent("load"), page.locator(".locale-switch select").selectOption("vi")]);
    await page.waitForLoadState("networkidle");
    expect(await page.locator("h1").first().textContent()).toBe("Kiểm tra tín dụng");
    expect(await page.title()).toBe("Kiểm tra tín dụng | arwatch");
    expect((await cells(page, "#credit-holds"))[0]!.slice(0, 4)).toEqual(["Tạm giữ", "Ayutthaya Steel", "Vượt hạn mức tín dụng", "1.300,00"]);
    await Promise.all([page.waitForEvent("load"), page.locator(".locale-switch select").selectOption("th")]);
    await page.waitForLoadState("networkidle");
    expect(await page.locator("h1").first().textContent()).toBe("ตรวจสอบเครดิต");
    expect((await cells(page, "#credit-recent"))[0]!.slice(4, 5)).toEqual(["อนุมัติ"]);
    await page.screenshot({ path: join(ARTIFACTS, "site-credit-checks-th.png"), fullPage: true });
    expect(seen.errors).toEqual([]);
    await page.close();
  });
});
