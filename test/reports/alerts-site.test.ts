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
import { tempDir } from "../helpers/warehouse.ts";
import { AS_OF, insertAlertsLedger, insertNotifyRows } from "./alerts-warehouse.ts";

const NAME = "<img src=x onerror=alert(1)>";

const cells = tableCells;

describe.skipIf(!existsSync(CHROMIUM))("the Alerts page and the data-quality page's collector addresses, in a real browser", () => {
  let dir: string;
  let site: string;
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
    site = join(dir, "site");
    networkLog = join(dir, "network.log");
    writeFileSync(networkLog, "");
    const wh = await openWarehouse(db);
    await ensureRawSchema(wh);
    await insertAlertsLedger(wh);
    wh.close();
    // The CLI's build (which creates the notifier's tables before the views that read them) ...
    const built = arwatch(["build", "--db", db, "--as-of", AS_OF]);
    expect(built.stderr).not.toMatch(/arwatch: /);
    expect(built.status).toBe(0);
    // ... then what notify records ...
    const after = await openWarehouse(db);
    await insertNotifyRows(after);
    after.close();
    // ... then the site, with no network.
    ({ server, origin, browser } = await buildAndServeSite({ db, site, networkLog }));
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  it("shows the open breaches, the work lists, and what was sent, waits or failed, as worked by hand", async () => {
    expect(readFileSync(networkLog, "utf8")).toBe("");
    const { page, seen } = await open("/alerts");
    await page.screenshot({ path: join(ARTIFACTS, "site-alerts.png"), fullPage: true });
    expect(await page.locator("h1").first().textContent()).toBe("Alerts");
    // 4 open breaches (overdue|B| is one breach told to two fallback addresses) of customers A and B.
    expect(await page.locator("#alerts-open .big").textContent()).toBe("4");
    expect(await page.locator("#alerts-open .sub").textContent()).toBe("2 customers in breach");
    expect(await page.locator("#alerts-waiting .big").textContent()).toBe("1");
    expect(await page.locator("#alerts-failed .big").textContent()).toBe("1");
    expect(await page.locator("#alerts-sent .big").textContent()).toBe("3");
    expect(await cells(page, "#alerts-by-rule")).toEqual([
      ["Over credit limit", "Collector", "Ann", "1", "1", "200.00", "30 Mar 2024"],
      ["Overdue", "Fallback (no collector address)", "Bob", "1", "1", "500.00", "31 Mar 2024"],
      ["Reminder milestone", "Collector", "Ann", "1", "1", "1,200.00", "31 Mar 2024"],
      ["DSO above target", "Finance", "–", "1", "0", "61.50", "31 Mar 2024"],
    ]);
    const breaches = await cells(page, "#alerts-breaches");
    expect(breaches.map((r) => [r[0], r[1], r[2], r[7]])).toEqual([
      ["Over credit limit", "Ayutthaya Steel", "", "ann@example.com"],
      ["Overdue", `${NAME}\r\nBcc: all@example.com`, "", "ar-lead@example.com, ar-team@example.com"],
      ["Reminder milestone", "Ayutthaya Steel", "A1", "ann@example.com"],
      ["DSO above target", "Portfolio", "", "finance@example.com"],
    ]);
    // Ann's list as of 2024-03-31 (not the 30th's): milestone A1, call_first A, disputed A7.
    expect(await page.locator("h2", { hasText: "Work lists as of" }).textContent()).toBe("Work lists as of 31 Mar 2024");
    expect((await cells(page, "#alerts-work-lists")).map((r) => r.slice(0, 7))).toEqual([["Ann", "ann@example.com", "1", "0", "1", "1", "Sent"]]);
    expect((await cells(page, "#alerts-work-list-lines")).map((r) => [r[1], r[4]])).toEqual([
      ["Reminder milestones", "A1"],
      ["Call first", ""],
      ["Disputed (not chased)", "A7"],
    ]);
    // Failed first, then waiting; the hostile subject is text.
    const waiting = await cells(page, "#alerts-waiting");
    expect(waiting.map((r) => [r[0], r[1], r[4]])).toEqual([
      ["Failed", "ar-lead@example.com", "1"],
      ["Waiting", "ar-team@example.com", "1"],
    ]);
    expect(waiting[0]![7]).toBe("550 5.1.1 <ar-lead@example.com>: no such user");
    expect(waiting[1]![3]).toBe(`Overdue: ${NAME}\r\nBcc: all@example.com`);
    // Latest sent first: m1 (31 Mar 01:05), m4 (31 Mar 01:00:03), m0 (30 Mar).
    expect((await cells(page, "#alerts-sent-list")).map((r) => [r[1], r[4], r[7]])).toEqual([
      ["ann@example.com", "1", "3"],
      ["finance@example.com", "1", "0"],
      ["ann@example.com", "1", "1"],
    ]);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(dialogs).toBe(0);
    expect(seen.errors).toEqual([]);
    expect(seen.requests.filter((r) => !r.startsWith(origin))).toEqual([]);
    // The download keeps the codes, and the hostile text cannot start a formula or break a row.
    const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#alerts-waiting button.download").click()]);
    const csv = readFileSync((await download.path())!, "utf8");
    expect(csv.split("\n")[0]).toContain("Status");
    expect(csv).toContain("failed");
    expect(csv).toContain(`"Overdue: ${NAME}\r\nBcc: all@example.com"`);
    await page.close();
  });

  it("lists the customers with no collector address on the data-quality page", async () => {
    const { page, seen } = await open("/data-quality");
    await page.screenshot({ path: join(ARTIFACTS, "site-alerts-data-quality.png") });
    const rows = await cells(page, "#no-collector-address");
    // By exposure: B (500.00, no address), C (300.00, "cat at example.com"), D (200.00, only in the invoices).
    expect(rows.map((r) => [r[0], r[3], r[4], r[5], r[6]])).toEqual([
      [`${NAME}\r\nBcc: all@example.com`, "Bob", "", "No address", "500.00"],
      ["Chiang Mai Paper", "Cat", "cat at example.com", "Not a valid address", "300.00"],
      ["D", "", "", "Not in the customers extract", "200.00"],
    ]);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(dialogs).toBe(0);
    expect(seen.errors).toEqual([]);
    expect(seen.requests.filter((r) => !r.startsWith(origin))).toEqual([]);
    await page.close();
  });

  it("reads in Vietnamese and Thai", async () => {
    const { page, seen } = await open("/alerts");
    await Promise.all([page.waitForEvent("load"), page.locator(".locale-switch select").selectOption("vi")]);
    await page.waitForLoadState("networkidle");
    expect(await page.locator("h1").first().textContent()).toBe("Cảnh báo");
    expect(await page.title()).toBe("Cảnh báo | arwatch");
    expect((await cells(page, "#alerts-by-rule"))[0]!.slice(0, 2)).toEqual(["Vượt hạn mức tín dụng", "Người thu nợ"]);
    expect((await cells(page, "#alerts-breaches"))[2]![5]).toBe("1.200,00");
    expect((await cells(page, "#alerts-waiting"))[0]![0]).toBe("Không thành công");
    await Promise.all([page.waitForEvent("load"), page.locator(".locale-switch select").selectOption("th")]);
    await page.waitForLoadState("networkidle");
    expect(await page.locator("h1").first().textContent()).toBe("การแจ้งเตือน");
    expect((await cells(page, "#alerts-by-rule"))[1]!.slice(0, 2)).toEqual(["เกินกำหนดชำระ", "ที่อยู่สำรอง (ไม่มีอีเมลผู้ติดตามหนี้)"]);
    // 2024-03-31 in the Buddhist calendar is 31 March 2567.
    expect(await page.locator("h2", { hasText: "รายการงาน" }).first().textContent()).toBe("รายการงาน ณ วันที่ 31 มี.ค. 2567");
    await page.screenshot({ path: join(ARTIFACTS, "site-alerts-th.png"), fullPage: true });
    await page.goto(origin + "/data-quality", { waitUntil: "networkidle" });
    expect((await cells(page, "#no-collector-address"))[1]![5]).toBe("อีเมลไม่ถูกต้อง");
    expect(seen.errors).toEqual([]);
    expect(seen.requests.filter((r) => !r.startsWith(origin))).toEqual([]);
    await page.close();
  });
});
