import { chromium, type Browser, type Page } from "playwright-core";

/** Debian's Chromium (apt-get install chromium); playwright-core never downloads a browser. Each launch gets a fresh temporary profile. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}

/** What a page did while it loaded: console errors, uncaught exceptions, and every URL it requested. */
export interface PageWatch {
  errors: string[];
  requests: string[];
}

export function watch(page: Page): PageWatch {
  const seen: PageWatch = { errors: [], requests: [] };
  page.on("console", (m) => {
    if (m.type() === "error") seen.errors.push(m.text());
  });
  page.on("pageerror", (e) => seen.errors.push(String(e)));
  page.on("request", (r) => seen.requests.push(r.url()));
  return seen;
}

/**
 * Opens a URL in a fresh page that is watched (see watch) and whose dialogs are dismissed and
 * counted by `onDialog`: an executed alert(1) from a hostile name would open one.
 */
export async function openWatched(browser: Browser, url: string, onDialog: () => void): Promise<{ page: Page; seen: PageWatch }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  page.on("dialog", async (d) => {
    onDialog();
    await d.dismiss();
  });
  const seen = watch(page);
  await page.goto(url, { waitUntil: "networkidle" });
  return { page, seen };
}

/** The cells of a table's body rows, as the reader sees them. */
export function tableCells(page: Page, selector: string): Promise<string[][]> {
  return page.locator(`${selector} tbody tr`).evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll("td")].map((td) => td.textContent ?? "")));
}

/** The last cell of a page's first data table's last row: the Aging page's total. */
export function pageTotal(page: Page): Promise<string | null> {
  return page.locator("table.data").first().locator("tbody tr").last().locator("td").last().textContent();
}
