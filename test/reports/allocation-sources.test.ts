import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import { dirname, join } from "node:path";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM, openWatched } from "../helpers/browser.ts";
import { arwatch } from "../helpers/cli.ts";
import { INVOICE_HEADER, PAYMENT_HEADER } from "../helpers/ingest-workspace.ts";
import { siteOfLedger } from "../helpers/site.ts";

/*
 * The data-quality page when only one source allocates first in, first out (README: Allocation,
 * per source): the ledger of test/models/source-allocation.test.ts. Top-level as_named; the bank
 * statement's B1 120.00 (source bank, fifo) pays I1 100.00 and 20.00 of I2, of one customer;
 * P1 30.00 (canonical, as named) stays unapplied.
 */
const CONFIG = `allocation: as_named
sources:
  - name: bank
    files: "bank-*.csv"
    entity: payments
    allocation: fifo
    columns: { payment_id: Reference, customer_id: Payer, payment_date: "Value date", amount: Credit, currency: null, document_id: null }
`;

/** Loads the three files with the CLI, in the folder whose arwatch.config.yaml names the source. */
async function writeLedger(db: string): Promise<void> {
  const dir = dirname(db);
  const inbox = join(dir, "inbox");
  const file = (name: string, text: string) => writeFileSync(join(inbox, name), text);
  mkdirSync(inbox);
  file("invoices.csv", `${INVOICE_HEADER}\nI1,C1,invoice,2024-01-10,2024-02-09,100.00,,\nI2,C1,invoice,2024-02-10,2024-03-11,80.00,,\n`);
  file("payments.csv", `${PAYMENT_HEADER}\nP1,C1,2024-03-01,30.00,,\n`);
  file("bank-2024-03.csv", "Reference,Payer,Value date,Credit\nB1,C1,2024-03-15,120.00\n");
  const loaded = arwatch(["ingest", inbox, "--db", db], { cwd: dir });
  if (loaded.status !== 0) throw new Error(`ingest failed: ${loaded.stderr}`);
}

describe.skipIf(!existsSync(CHROMIUM))("the data-quality page when a source allocates first in, first out", () => {
  let server: Server;
  let origin: string;
  let browser: Browser;

  beforeAll(async () => {
    ({ server, origin, browser } = await siteOfLedger(writeLedger, { config: CONFIG, asOf: "2024-03-31" }));
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
  });

  it("says which sources were allocated so, and what their cash paid", async () => {
    const { page, seen } = await openWatched(browser, `${origin}/data-quality`, () => {});
    const text = await page.locator("#allocation").textContent();
    expect(text).toContain("Allocation as named, except for the files of the sources bank, allocated first in, first out.");
    // 120.00 of cash, no credits, two documents of one customer.
    expect(text).toContain("paid 120.00 of the customers' oldest open documents by due date (120.00 of cash, 0.00 of credits), 2 documents of 1 customers");
    expect(seen.errors).toEqual([]);
    await page.close();
  });
});
