import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatAmount } from "../../core/money.ts";
import { openWarehouse } from "../../core/warehouse.ts";
import { arwatch } from "../helpers/cli.ts";
import { CHROMIUM, watch } from "../helpers/browser.ts";
import { ARTIFACTS, buildAndServeSite, GUARD } from "../helpers/site.ts";
import { tempDir } from "../helpers/warehouse.ts";

const FIXTURE = fileURLToPath(new URL("../fixtures/ledger", import.meta.url));
const PAGES = ["/", "/aging", "/credit", "/expected-loss", "/cash-forecast", "/collections", "/alerts", "/customers", "/customer?id=C1", "/data-quality"];

describe.skipIf(!existsSync(CHROMIUM))("the report site in a real browser", () => {
  let dir: string;
  let db: string;
  let site: string;
  let networkLog: string;
  let server: Server;
  let origin: string;
  let browser: Browser;

  beforeAll(async () => {
    dir = tempDir();
    db = join(dir, "warehouse.duckdb");
    site = join(dir, "site");
    networkLog = join(dir, "network.log");
    writeFileSync(networkLog, "");
    // One follow-up beside the fixture, so the pages have a channel, an outcome and a reason to show.
    const extra = join(dir, "extra");
    mkdirSync(extra);
    writeFileSync(
      join(extra, "collection_attempts.csv"),
      "attempt_id,customer_id,document_id,attempt_date,collector,channel,outcome,reason,promised_date,promised_amount\n" +
        "A1,C1,INV1,2024-04-15,Lan Nguyen,zalo,promise_to_pay,cash_flow,2024-04-25,600.00\n",
    );
    expect(arwatch(["ingest", FIXTURE, extra, "--db", db]).status).toBe(0);
    // The models are built with the default buckets (to 121+) and USD ...
    expect(arwatch(["build", "--db", db, "--as-of", "2024-04-30"]).status).toBe(0);
    // ... and the site with a config of the moment that says otherwise: the site must show the build's.
    const momentConfig = join(dir, "moment.yaml");
    writeFileSync(momentConfig, "currency: THB\naging:\n  buckets: [30, 60]\n");
    ({ server, origin, browser } = await buildAndServeSite({ db, site, networkLog, args: ["--config", momentConfig] }));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  it("builds with no network request of any kind", () => {
    expect(readFileSync(networkLog, "utf8")).toBe("");
  });

  it("has a network guard that does catch a request (so the test above can fail)", () => {
    const log = join(dir, "guard-check.log");
    expect(() =>
      execFileSync(process.execPath, ["--import", GUARD, "-e", "await fetch('http://example.invalid/')"], { env: { ...process.env, ARWATCH_NETWORK_LOG: log }, stdio: "pipe" }),
    ).toThrow();
    expect(readFileSync(log, "utf8")).toContain("example.invalid");
  });

  it.each(PAGES)("renders %s with no console error and no request to another host", async (path) => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    const seen = watch(page);
    await page.goto(origin + path, { waitUntil: "networkidle" });
    await page.screenshot({ path: join(ARTIFACTS, `site${path === "/" ? "-overview" : path.replace(/[^a-z0-9]+/gi, "-")}.png`), fullPage: true });
    expect(seen.errors).toEqual([]);
    expect(seen.requests.filter((r) => !r.startsWith(origin))).toEqual([]);
    await page.close();
  });

  it("shows the warehouse's figures, to the cent", async () => {
    const wh = await openWarehouse(db, { readOnly: true });
    const [totals] = await wh.all<{ outstanding: string; bad_debt: string }>(
      "select (select sum(outstanding_amount) from marts.fct_open_items) as outstanding, (select sum(expected_bad_debt_amount) from marts.dim_customers) as bad_debt",
    );
    const buckets = await wh.all<{ aging_bucket: string; amount: string }>(
      "select b.aging_bucket, coalesce(sum(o.outstanding_amount), 0) as amount from marts.dim_aging_buckets b left join marts.fct_open_items o using (aging_bucket) group by all order by any_value(b.bucket_order)",
    );
    wh.close();
    const page = await browser.newPage();
    await page.goto(origin + "/", { waitUntil: "networkidle" });
    // By hand (README definitions): INV1 1,200 − CN1 100 − PAY1 500 = 600; INV2 800; INV3 2,500.50; DN1 10; PAY2 −300 unapplied.
    expect(totals!.outstanding).toBe("3610.50");
    expect(await page.locator("#kpi-outstanding .big").textContent()).toBe(`US$${formatAmount(totals!.outstanding, "USD")}`);
    expect(await page.locator("#kpi-bad-debt .big").textContent()).toBe(`US$${formatAmount(totals!.bad_debt, "USD")}`);
    const shown = await page.locator("table.data").first().locator("tbody tr").evaluateAll((rows) =>
      rows.map((r) => [...r.querySelectorAll("td")].map((td) => td.textContent)),
    );
    // Codes show as words: not_due is "Not due"; the numeric buckets read as they are.
    const word = (bucket: string) => (bucket === "not_due" ? "Not due" : bucket);
    expect(shown.map((r) => [r[0], r[1]])).toEqual(buckets.map((b) => [word(b.aging_bucket), formatAmount(b.amount, "USD")]));
    await page.close();
  });

  it("drills down from the company to a single invoice by clicking, every level adding up to the marts", async () => {
    const wh = await openWarehouse(db, { readOnly: true });
    const total = async (where: string) => {
      const [row] = await wh.all<{ t: string }>(`select coalesce(sum(outstanding_amount), 0) as t from marts.rpt_aging where ${where}`);
      return formatAmount(row!.t, "USD");
    };
    const page = await browser.newPage();
    const rowTotal = async (name: string) =>
      page.locator("table.data").first().locator("tbody tr", { has: page.locator("td:first-child", { hasText: name }) }).locator("td").last().textContent();
    await page.goto(origin + "/aging", { waitUntil: "networkidle" });
    expect(await rowTotal("Total")).toBe(await total("true"));
    expect(await rowTotal("South")).toBe(await total("team = 'South'"));
    for (const [link, where] of [
      ["South", "team = 'South'"],
      ["Lan Nguyen", "team = 'South' and collector = 'Lan Nguyen'"],
      ["Wholesale", "team = 'South' and collector = 'Lan Nguyen' and customer_group = 'Wholesale'"],
      ["Công ty TNHH Minh Phát", "customer_id = 'C1'"],
    ]) {
      await Promise.all([page.waitForEvent("load"), page.getByRole("link", { name: link }).first().click()]);
      await page.waitForLoadState("networkidle");
      expect(await rowTotal("Total")).toBe(await total(where!));
    }
    // A second path, to another team's customer: North › Somchai P. › Retail › C2 › INV3 (2,500.50, due 2024-01-30 → 91 days → 91-120).
    const second = await browser.newPage();
    await second.goto(origin + "/aging", { waitUntil: "networkidle" });
    for (const link of ["North", "Somchai P.", "Retail", "<img src=x onerror=alert(1)>"]) {
      await Promise.all([second.waitForEvent("load"), second.getByRole("link", { name: link, exact: true }).first().click()]);
      await second.waitForLoadState("networkidle");
    }
    const inv3 = await second.locator("table.data").first().locator("tbody tr", { has: second.locator("td:first-child", { hasText: "INV3" }) }).locator("td").allTextContents();
    const bucketIndex = ["not_due", "1-30", "31-60", "61-90", "91-120", "121+"].indexOf("91-120") + 1;
    expect(inv3[bucketIndex]).toBe("2,500.50");
    expect(await second.locator("table.data").first().locator("tbody tr").last().locator("td").last().textContent()).toBe(await total("customer_id = 'C2'"));
    await second.close();
    // The invoice level: INV1 = 1,200 − CN1 100 − PAY1 500 = 600, 31 days past due (due 2024-03-30) → 31-60.
    const [inv1] = await wh.all<{ outstanding_amount: string; aging_bucket: string }>(
      "select outstanding_amount, aging_bucket from marts.fct_open_items where document_id = 'INV1'",
    );
    expect(inv1).toEqual({ outstanding_amount: "600.00", aging_bucket: "31-60" });
    expect(await rowTotal("INV1")).toBe("600.00");
    const breadcrumbs = await page.locator("nav.breadcrumbs a").allTextContents();
    expect(breadcrumbs).toEqual(["Company", "South", "Lan Nguyen", "Wholesale", 'Công ty TNHH Minh Phát, "HCM"']);
    await Promise.all([page.waitForEvent("load"), page.locator("nav.breadcrumbs a", { hasText: "South" }).click()]);
    await page.waitForLoadState("networkidle");
    expect(await rowTotal("Lan Nguyen")).toBe(await total("team = 'South' and collector = 'Lan Nguyen'"));
    wh.close();
    await page.close();
  });

  it("shows the provision matrix total and the over-limit customers as the marts have them", async () => {
    const wh = await openWarehouse(db, { readOnly: true });
    const [ecl] = await wh.all<{ total: string }>("select sum(expected_loss) as total from marts.fct_expected_loss");
    const overLimit = await wh.all<{ customer_id: string; exposure_amount: string }>(
      "select customer_id, exposure_amount from marts.dim_customers where credit_status = 'over_limit' order by exposure_amount - credit_limit desc",
    );
    wh.close();
    const page = await browser.newPage();
    await page.goto(origin + "/expected-loss", { waitUntil: "networkidle" });
    const lastRow = await page.locator("table.data").first().locator("tbody tr").last().locator("td").allTextContents();
    expect(lastRow.at(-1)).toBe(formatAmount(ecl!.total, "USD"));
    await page.goto(origin + "/credit", { waitUntil: "networkidle" });
    // C3 has a limit of 0 and a debit note of 10.00: over its limit (a limit of 0 is not "no limit").
    expect(overLimit).toEqual([{ customer_id: "C3", exposure_amount: "10.00" }]);
    const overLimitTable = page.locator("h2", { hasText: "Over limit" }).locator("xpath=following::table[1]");
    const cells = await overLimitTable.locator("tbody tr").first().locator("td").allTextContents();
    expect(cells[0]).toBe('=HYPERLINK("http://x")');
    expect(cells[4]).toBe("10.00");
    await page.close();
  });

  it("finds a customer by words of its name without accents, and opens its page with the marts' figures", async () => {
    const page = await browser.newPage();
    await page.goto(origin + "/customers", { waitUntil: "networkidle" });
    await page.locator("input.customer-search").fill("minh phat");
    const result = page.locator("table.data tbody tr a", { hasText: "Minh Phát" });
    await result.waitFor();
    await Promise.all([page.waitForEvent("load"), result.click()]);
    await page.waitForLoadState("networkidle");
    expect(page.url()).toBe(`${origin}/customer?id=C1`);
    // C1: INV1 600 + INV2 800 = 1,400 outstanding; exposure adds the open order SO1 of 1,000.
    expect(await page.locator("#customer-outstanding .big").textContent()).toBe("US$1,400.00");
    expect(await page.getByText("US$2,400.00").count()).toBe(1);
    await page.goto(origin + "/customers", { waitUntil: "networkidle" });
    await page.locator("input.customer-search").fill("c3");
    await page.locator("table.data tbody tr a", { hasText: "=HYPERLINK" }).waitFor();
    await page.close();
  });

  it("lists the ledger facts to check on the data-quality page", async () => {
    const page = await browser.newPage();
    await page.goto(origin + "/data-quality", { waitUntil: "networkidle" });
    const rows = await page.locator("table.data").first().locator("tbody tr").evaluateAll((trs) =>
      trs.map((tr) => [...tr.querySelectorAll("td")].map((td) => td.textContent)),
    );
    // INV1 came without a due date (600.00 open); PAY2 is unapplied (−300.00); C2 has 2,200.50 of exposure and no limit.
    expect(rows).toContainEqual(["Open documents without a due date (due date derived from the credit term)", "1", "600.00"]);
    expect(rows).toContainEqual(["Unapplied cash", "1", "-300.00"]);
    expect(rows).toContainEqual(["Customers with exposure and no credit limit", "1", "2,200.50"]);
    await page.close();
  });

  it("follows the reader's dark mode, and prints the board pack without navigation or buttons", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const background = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
    await page.emulateMedia({ colorScheme: "light" });
    await page.goto(origin + "/", { waitUntil: "networkidle" });
    const light = await background();
    await page.emulateMedia({ colorScheme: "dark" });
    await page.screenshot({ path: join(ARTIFACTS, "site-overview-dark.png"), fullPage: true });
    expect(await background()).not.toBe(light);
    await page.emulateMedia({ media: "print", colorScheme: "light" });
    expect(await page.locator("#observablehq-sidebar").isVisible()).toBe(false);
    expect(await page.locator("button.download").first().isVisible()).toBe(false);
    expect(await page.locator("#kpi-outstanding").isVisible()).toBe(true);
    await page.close();
  });

  it("shows a hostile customer name as text and never runs it", async () => {
    const page = await browser.newPage();
    let dialogs = 0;
    page.on("dialog", async (d) => {
      dialogs++;
      await d.dismiss();
    });
    for (const path of ["/", "/aging?team=North&collector=Somchai+P.&group=Retail", "/aging?team=North&collector=Somchai+P.&group=Retail&customer=C2", "/customer?id=C2"]) {
      await page.goto(origin + path, { waitUntil: "networkidle" });
      await expect(page.getByText("<img src=x onerror=alert(1)>", { exact: true }).count()).resolves.toBe(1);
      expect(await page.locator('img[src="x"]').count()).toBe(0);
    }
    expect(dialogs).toBe(0);
    await page.close();
  });

  it("shows the build's six buckets and currency, not the [30, 60] and THB of the config the site was built with", async () => {
    const page = await browser.newPage();
    await page.goto(origin + "/aging", { waitUntil: "networkidle" });
    const headers = await page.locator("table.data").first().locator("thead th").allTextContents();
    expect(headers).toEqual(["Team", "Not due", "1-30", "31-60", "61-90", "91-120", "121+", "Total"]);
    await page.goto(origin + "/", { waitUntil: "networkidle" });
    expect(await page.locator("#kpi-outstanding .big").textContent()).toBe("US$3,610.50");
    await page.close();
  });

  /** The texts of the first chart's x-axis ticks. */
  const axisTicks = (page: Page) =>
    page.locator('svg g[aria-label="x-axis tick label"]').first().evaluate((g) => [...g.querySelectorAll("text")].map((t) => t.textContent));
  const navNames = (page: Page) => page.locator("#observablehq-sidebar > ol:last-of-type li a").allTextContents();

  it("names pages, headings, axes and codes in English by default", async () => {
    const page = await browser.newPage();
    await page.goto(origin + "/", { waitUntil: "networkidle" });
    expect(await navNames(page)).toEqual(["Overview", "Aging", "Credit", "Credit checks", "Expected loss", "Cash forecast", "Collections", "Alerts", "Customers", "Data quality"]);
    expect(await page.title()).toBe("Overview | arwatch");
    expect(await axisTicks(page)).toContain("Mar 2024");
    await page.goto(origin + "/collections", { waitUntil: "networkidle" });
    expect(await page.locator("table.data").first().locator("tbody td").nth(1).textContent()).toBe("Cash-flow difficulty");
    await page.close();
  });

  it("switches to Vietnamese and Thai: navigation, titles, axis months, reasons and number and date formats", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
    await page.goto(origin + "/", { waitUntil: "networkidle" });
    // Picking a language reloads the page in it.
    await Promise.all([page.waitForEvent("load"), page.locator(".locale-switch select").selectOption("vi")]);
    await page.waitForLoadState("networkidle");
    expect(await page.locator("h1").first().textContent()).toBe("Tổng quan");
    expect(await page.title()).toBe("Tổng quan | arwatch");
    expect(await navNames(page)).toEqual(["Tổng quan", "Tuổi nợ", "Tín dụng", "Kiểm tra tín dụng", "Tổn thất dự kiến", "Dự báo dòng tiền thu", "Thu hồi nợ", "Cảnh báo", "Khách hàng", "Chất lượng dữ liệu"]);
    expect(await page.locator("#observablehq-search input").getAttribute("placeholder")).toBe("Tìm kiếm");
    // The sidebar search finds a page by its Vietnamese name and lists it under that name.
    await page.locator("#observablehq-search input").fill("tuổi");
    await expect.poll(() => page.locator("#observablehq-search-results li a").allTextContents()).toEqual(["Tuổi nợ"]);
    await expect.poll(() => page.locator("#observablehq-search-results > div").textContent()).toBe("Số trang tìm thấy: 1");
    await page.locator("#observablehq-search input").fill("qqqq");
    await expect.poll(() => page.locator("#observablehq-search-results > div").textContent()).toBe("không có kết quả");
    await page.locator("#observablehq-search input").fill("");
    // March 2024 on the trend's axis, as Vietnamese writes a short month.
    expect(await axisTicks(page)).toContain("thg 3 2024");
    expect((await page.locator("#kpi-outstanding .big").textContent())?.replace(/\s/g, " ")).toBe("3.610,50 US$");
    expect(await page.locator("table.data").first().locator("tbody td").first().textContent()).toBe("Chưa đến hạn");
    await page.screenshot({ path: join(ARTIFACTS, "site-vi-overview.png"), fullPage: true });
    await page.goto(origin + "/collections", { waitUntil: "networkidle" });
    expect(await page.locator("table.data").first().locator("tbody td").nth(1).textContent()).toBe("Khó khăn dòng tiền");
    await page.screenshot({ path: join(ARTIFACTS, "site-vi-collections.png"), fullPage: true });

    await page.goto(origin + "/data-quality", { waitUntil: "networkidle" });
    await Promise.all([page.waitForEvent("load"), page.locator(".locale-switch select").selectOption("th")]);
    await page.waitForLoadState("networkidle");
    expect(await page.title()).toBe("คุณภาพข้อมูล | arwatch");
    // 2024-04-30 in the Buddhist calendar is 30 April 2567.
    expect(await page.locator("#observablehq-main").textContent()).toContain("2567");
    expect(await page.locator("#observablehq-footer").textContent()).toContain("30 เม.ย. 2567");
    await page.goto(origin + "/", { waitUntil: "networkidle" });
    expect(await navNames(page)).toEqual(["ภาพรวม", "อายุหนี้", "เครดิต", "ตรวจสอบเครดิต", "ผลขาดทุนที่คาดไว้", "ประมาณการเงินสดรับ", "การติดตามหนี้", "การแจ้งเตือน", "ลูกค้า", "คุณภาพข้อมูล"]);
    expect(await axisTicks(page)).toContain("มี.ค. 2567");
    await page.screenshot({ path: join(ARTIFACTS, "site-th-overview.png"), fullPage: true });
    await page.goto(origin + "/collections", { waitUntil: "networkidle" });
    const reasons = page.locator("table.data").first();
    expect(await reasons.locator("tbody td").nth(1).textContent()).toBe("ปัญหาสภาพคล่อง");
    expect(await page.locator("figure").nth(1).textContent()).toContain("นัดชำระ");
    await page.screenshot({ path: join(ARTIFACTS, "site-th-collections.png"), fullPage: true });
    // The download keeps the code, so a spreadsheet can filter on it; the header is in the reader's language.
    const [download] = await Promise.all([page.waitForEvent("download"), page.locator(".table-block button.download").first().click()]);
    const csv = readFileSync((await download.path())!, "utf8");
    expect(csv).toContain("cash_flow");
    expect(csv).not.toContain("ปัญหาสภาพคล่อง");
    expect(csv.split("\n")[0]).toContain("เหตุผล");
    await page.close();
  });
});
