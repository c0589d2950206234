import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Warehouse } from "../../core/warehouse.ts";
import { emptyWarehouse, insertRaw } from "../helpers/warehouse.ts";
import { notifyConfig, notifyHarness } from "./engine-helpers.ts";

/*
 * Each customer has one invoice 40 days past due as of 2024-03-11 (overdue level 1 with the default
 * 30/60/90). Who hears of it depends only on the customer's own collector_email: a valid address
 * (in lower case), else every fallback address. Hostile or malformed addresses never become a
 * recipient, and a header cannot be smuggled in through one.
 */
const addresses: Record<string, string | null> = {
  K1: "  Lan@Example.COM ",
  K2: "minh@example.com\r\nBcc: evil@example.com",
  K3: "nobody@localhost",
  K4: "two@example.com, three@example.com",
  K5: "",
  K6: null,
  "X|Y": "xy@example.com",
  X: "x@example.com",
};
// Documents of the two customers whose ids could run together in a breach key: X|Y's "Z" and X's "Y|Z".
const documentOf = (id: string) => (id === "X|Y" ? "Z" : id === "X" ? "Y|Z" : `D${id}`);

describe("recipients: the customer's own valid collector address, else every fallback address", () => {
  let wh: Warehouse;

  beforeAll(async () => {
    wh = await emptyWarehouse();
    const ids = Object.keys(addresses);
    await insertRaw(wh, "customers", ids.map((id) => ({ customer_id: id, customer_name: `Name ${id}`, collector: `Collector ${id}`, collector_email: addresses[id]!, credit_limit: "1000000" })));
    await insertRaw(wh, "invoices", ids.map((id) => ({ document_id: documentOf(id), customer_id: id, document_type: "invoice", document_date: "2024-01-01", due_date: "2024-01-31", amount: "10.00" })));
    const h = await notifyHarness(wh, notifyConfig({ fallbackRecipients: ["ar-team@example.com", "second@example.com"] }));
    await h.notifyAt("2024-03-11");
  });
  afterAll(() => wh?.close());

  it("sends each customer's overdue breach to its collector only when the address is valid", async () => {
    const rows = await wh.all<{ customer_id: string; recipients: string }>(
      `select customer_id, string_agg(recipient || ' (' || recipient_role || ')', ', ' order by recipient) as recipients
       from notify.breaches where rule = 'overdue' group by all order by customer_id`,
    );
    const fallback = "ar-team@example.com (fallback), second@example.com (fallback)";
    expect(rows).toEqual([
      { customer_id: "K1", recipients: "lan@example.com (collector)" },
      { customer_id: "K2", recipients: fallback },
      { customer_id: "K3", recipients: fallback },
      { customer_id: "K4", recipients: fallback },
      { customer_id: "K5", recipients: fallback },
      { customer_id: "K6", recipients: fallback },
      { customer_id: "X", recipients: "x@example.com (collector)" },
      { customer_id: "X|Y", recipients: "xy@example.com (collector)" },
    ]);
  });

  it("records one message per recipient, none to a malformed address", async () => {
    const messages = await wh.all<{ recipient: string; role: string }>("select recipient, recipient_role as role from notify.messages order by recipient");
    expect(messages).toEqual([
      { recipient: "ar-team@example.com", role: "fallback" },
      { recipient: "lan@example.com", role: "collector" },
      { recipient: "second@example.com", role: "fallback" },
      { recipient: "x@example.com", role: "collector" },
      { recipient: "xy@example.com", role: "collector" },
    ]);
  });

  it("keeps breach keys apart when an id contains the key's separator", async () => {
    const keys = await wh.all<{ breach_key: string; customer_id: string }>(
      "select breach_key, customer_id from notify.breaches where rule = 'milestone' and customer_id in ('X', 'X|Y') order by customer_id",
    );
    expect(keys).toEqual([
      { breach_key: "milestone|X|Y\\|Z", customer_id: "X" },
      { breach_key: "milestone|X\\|Y|Z", customer_id: "X|Y" },
    ]);
  });
});
