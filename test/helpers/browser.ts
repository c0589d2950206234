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
