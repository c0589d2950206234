import { simpleParser, type ParsedMail } from "mailparser";
import { describe, expect, it } from "vitest";
import type { DigestBreach } from "../../notify/digest.ts";
import { renderDigest } from "../../notify/render/index.ts";
import { LABELS } from "../../notify/render/labels.ts";
import { annaDigest } from "./mail-digest.ts";

async function parse(digest = annaDigest()): Promise<{ raw: string; subject: string; mail: ParsedMail }> {
  const { rawMime, subject } = await renderDigest(digest);
  return { raw: rawMime, subject, mail: await simpleParser(rawMime) };
}

function headerBlock(raw: string): string {
  return raw.slice(0, raw.indexOf("\r\n\r\n"));
}

const BASE = "https://ar.example.com/reports";

describe("renderDigest(digest)", () => {
  it("addresses one recipient, from notify.from, with the digest's Message-ID and Date, and no Cc or Bcc", async () => {
    const { raw, mail } = await parse();
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.value.map((a) => a.address) : null).toEqual(["anna@example.com"]);
    expect(mail.from?.value).toEqual([{ address: "arwatch@example.com", name: "arwatch" }]);
    expect(mail.messageId).toBe("<fixture-1@arwatch>");
    expect(mail.date?.toISOString()).toBe("2026-06-30T23:15:00.000Z");
    expect(mail.cc).toBeUndefined();
    expect(mail.bcc).toBeUndefined();
    expect(headerBlock(raw)).not.toMatch(/^(bcc|cc):/im);
    expect(mail.headers.get("auto-submitted")).toBe("auto-generated");
  });

  it("names the as-of date and the counts in the subject, and no customer", async () => {
    const { subject, mail } = await parse();
    expect(subject).toBe("arwatch · 2026-06-30: 1 new, 1 escalated, 0 reminders · work list 4");
    expect(mail.subject).toBe(subject);
  });

  it("writes the plain text: alerts with facts and links, then the work list by section and rank", async () => {
    const { mail } = await parse();
    const c002 = `${BASE}/customer?id=C%2F002%20%26%20Co`;
    const expected = [
      "Hello Anna,",
      "",
      "Here is what needs your attention in accounts receivable as of 2026-06-30.",
      "",
      "== Alerts ==",
      "- Over the credit limit (New, Level 1): Acme Trading (C001) · 1,500.50",
      "    Credit limit: 10,000.00; Exposure: 11,500.50",
      "    First seen: 2026-06-30",
      `    Customer page: ${BASE}/customer?id=C001`,
      `    Aging drill-down: ${BASE}/aging?team=North&collector=Anna&group=&customer=C001`,
      "- Overdue (Escalated, Level 2): Bình Minh (C/002 & Co) · INV-9 · 2,500.00",
      "    Days past due: 61",
      "    First seen: 2026-05-31",
      `    Customer page: ${c002}`,
      `    Aging drill-down: ${BASE}/aging`,
      "",
      "== Work list ==",
      "",
      "-- Reminders due (milestones reached) --",
      "1. Acme Trading (C001) · INV-1 · 300.00 · Days past due 7 · Due 2026-06-23 · Milestone (days past due): 7",
      `    Customer page: ${BASE}/customer?id=C001`,
      `    Aging drill-down: ${BASE}/aging`,
      "",
      "-- Call first (ranked by amount at risk) --",
      "1. Bình Minh (C/002 & Co) · 2,500.00 · Days past due 61",
      `    Customer page: ${c002}`,
      `    Aging drill-down: ${BASE}/aging`,
      "2. Acme Trading (C001) · 11,500.50 · Days past due 12",
      `    Customer page: ${BASE}/customer?id=C001`,
      `    Aging drill-down: ${BASE}/aging`,
      "",
      "-- Disputed: listed apart, not chased --",
      "1. =cmd|' /C calc'!A0 (C003) · INV-7 · -20.00 · Days past due 40 · Due 2026-05-21 · Reason: Quality dispute",
      `    Customer page: ${BASE}/customer?id=C003`,
      `    Aging drill-down: ${BASE}/aging`,
      "",
      "Amounts in USD. The attached CSV holds every line of this message.",
    ].join("\n");
    expect(String(mail.text).replace(/\s+$/, "")).toBe(expected);
  });

  it("writes the HTML with the same content, escaped, and links with encoded ids", async () => {
    const { mail } = await parse();
    const html = String(mail.html);
    expect(html).toContain('<html lang="en">');
    expect(html).toContain("<td>Bình Minh (C/002 &amp; Co)</td>");
    expect(html).toContain(`<a href="${BASE}/customer?id=C%2F002%20%26%20Co">Customer page</a>`);
    expect(html).toContain(`<a href="${BASE}/aging?team=North&amp;collector=Anna&amp;group=&amp;customer=C001">Aging drill-down</a>`);
    expect(html).toContain('<td class="n">11,500.50</td>');
    // The sections in their fixed order, the disputed one last and named as not chased.
    const order = ["Reminders due (milestones reached)", "Call first (ranked by amount at risk)", "Disputed: listed apart, not chased"].map((t) => html.indexOf(`<h3>${t}</h3>`));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it("attaches the CSV: codes and exact amounts, formula-like text neutralised, numbers left alone", async () => {
    const { mail } = await parse();
    expect(mail.attachments).toHaveLength(1);
    const csv = mail.attachments[0]!;
    expect(csv.filename).toBe("arwatch-2026-06-30.csv");
    expect(csv.contentType).toBe("text/csv");
    const text = csv.content.toString("utf8");
    expect(text.startsWith("\uFEFF")).toBe(true);
    expect(text.slice(1).split("\r\n")).toEqual([
      "Kind,Alert or section,Change,Level,Rank,Customer ID,Customer,Document,Amount,Currency,Days past due,Due,First seen,Details",
      'alert,over_limit,new,1,,C001,Acme Trading,,1500.5,USD,,,2026-06-30,"{""credit_limit"":""10000"",""exposure_amount"":""11500.5""}"',
      'alert,overdue,escalated,2,,C/002 & Co,Bình Minh,INV-9,2500,USD,61,,2026-05-31,"{""days_past_due"":61}"',
      "work_list,milestone,,,1,C001,Acme Trading,INV-1,300,USD,7,2026-06-23,,7",
      "work_list,call_first,,,1,C/002 & Co,Bình Minh,,2500,USD,61,,,",
      "work_list,call_first,,,2,C001,Acme Trading,,11500.5,USD,12,,,",
      "work_list,disputed,,,1,C003,'=cmd|' /C calc'!A0,INV-7,-20,USD,40,2026-05-21,,dispute_quality",
      "",
    ]);
  });

  it("neutralises every formula start (= + - @ tab CR) in the CSV", async () => {
    const names = ["=1+1", "+SUM(A1)", "-A1", "@cmd", "\tx", "\ry"];
    const workList = names.map((customerName, i) => ({ section: "call_first" as const, rank: i + 1, customerId: `C${i}`, customerName, documentId: null, amount: "1", daysPastDue: null, dueDate: null, detail: null }));
    const { mail } = await parse(annaDigest({ breaches: [], workList }));
    const text = mail.attachments[0]!.content.toString("utf8");
    for (const name of ["'=1+1", "'+SUM(A1)", "'-A1", "'@cmd", "'\tx", "\"'\ry\""]) expect(text).toContain(`,${name},`);
  });

  it("leaves links out when site.baseUrl is not set", async () => {
    const { mail } = await parse(annaDigest({ siteBaseUrl: null }));
    expect(String(mail.text)).not.toContain("http");
    expect(String(mail.html)).not.toContain("<a ");
  });

  it("formats amounts in the currency's minor units (VND has none)", async () => {
    const { mail } = await parse(annaDigest({ currency: "VND", breaches: [{ ...annaDigest().breaches[1]!, amount: "12500000" }] }));
    expect(String(mail.text)).toContain("Bình Minh (C/002 & Co) · INV-9 · 12,500,000\n");
  });

  it("says so when there is nothing: no alerts, an empty work list", async () => {
    const { subject, mail } = await parse(annaDigest({ breaches: [], workList: [] }));
    expect(subject).toBe("arwatch · 2026-06-30: 0 new, 0 escalated, 0 reminders · work list 0");
    expect(String(mail.text)).toContain("No new or escalated alerts.");
    expect(String(mail.text)).toContain("Nothing on the work list today.");
  });

  it("tells a fallback recipient why the alerts come to them, and names no collector", async () => {
    const { mail } = await parse(annaDigest({ role: "fallback", collector: null, recipient: "ar-team@example.com" }));
    expect(String(mail.text)).toMatch(/^Hello,\n/);
    expect(String(mail.text)).toContain("These customers have no valid collector e-mail address");
  });

  it("gives the same bytes for the same digest, and without digest.date uses the as-of date at 00:00 UTC", async () => {
    const first = await renderDigest(annaDigest());
    const second = await renderDigest(annaDigest());
    expect(second.rawMime).toBe(first.rawMime);
    const { mail } = await parse(annaDigest({ date: undefined }));
    expect(mail.date?.toISOString()).toBe("2026-06-30T00:00:00.000Z");
  });

  it("refuses an invalid recipient or Message-ID rather than writing a message", async () => {
    for (const recipient of ["not an address", "anna@example.com\r\nBcc: eve@example.com", "anna@example.com, eve@example.com", ""]) {
      await expect(renderDigest(annaDigest({ recipient }))).rejects.toThrow(/not a valid e-mail address/);
    }
    await expect(renderDigest(annaDigest({ messageId: "<x@arwatch>\r\nBcc: eve@example.com" }))).rejects.toThrow(/Message-ID/);
    await expect(renderDigest(annaDigest({ from: "a@example.com, b@example.com" }))).rejects.toThrow(/notify.from/);
  });
});

describe("digest labels", () => {
  it("has every label in Vietnamese and Thai, none empty", () => {
    const keys = Object.keys(LABELS.en).sort();
    for (const locale of ["vi", "th"] as const) {
      expect(Object.keys(LABELS[locale]).sort()).toEqual(keys);
      for (const key of keys) expect((LABELS[locale] as Record<string, string>)[key]!.length).toBeGreaterThan(0);
    }
  });
});

describe("renderDigest with a long work list", () => {
  it("shows the first 100 lines of a list in the body, says how many there are, and keeps them all in the CSV", async () => {
    const workList = Array.from({ length: 250 }, (_, i) => ({ section: "milestone" as const, rank: i + 1, customerId: `C${i + 1}`, customerName: null, documentId: `INV-${i + 1}`, amount: "10", daysPastDue: 7, dueDate: "2026-06-23", detail: "7" }));
    const { subject, mail } = await parse(annaDigest({ breaches: [], workList, siteBaseUrl: null }));
    expect(subject).toContain("work list 250");
    const text = String(mail.text);
    expect(text).toContain("100. C100 · INV-100 · 10.00 · Days past due 7 · Due 2026-06-23 · Milestone (days past due): 7\n");
    expect(text).not.toContain("101. C101");
    expect(text).toContain("100 of 250 lines shown; the attached CSV has them all.");
    expect(String(mail.html)).toContain('<p class="note">100 of 250 lines shown; the attached CSV has them all.</p>');
    const csvLines = mail.attachments[0]!.content.toString("utf8").split("\r\n").filter((l) => l.startsWith("work_list,"));
    expect(csvLines).toHaveLength(250);
  });
});

describe("renderDigest: the facts behind an alert", () => {
  it("shows money in minor units, shares and percentages as percent, and links a portfolio alert to its page", async () => {
    const breaches: DigestBreach[] = [
      { breachId: "7", rule: "near_limit", change: "new" as const, level: 1, customerId: "C9", customerName: "Near Co", documentId: null, amount: "9512", facts: { credit_limit: "10000", exposure_amount: "9512", utilisation: "0.9512", threshold: "0.9" }, firstSeenAsOf: "2026-06-30" },
      { breachId: "8", rule: "portfolio_expected_loss_up", change: "new" as const, level: 1, customerId: null, customerName: null, documentId: null, amount: "1200.5", facts: { month_end: "2026-06-30", opening_allowance: "1000", closing_allowance: "1200.5", up_percent: "20.1", threshold_percent: 10 }, firstSeenAsOf: "2026-06-30" },
    ];
    const { mail } = await parse(annaDigest({ role: "finance", collector: null, recipient: "finance@example.com", breaches, workList: [] }));
    const text = String(mail.text);
    expect(text).toContain("    Credit limit: 10,000.00; Exposure: 9,512.00; Utilisation: 95.1 %; Threshold: 90.0 %\n");
    expect(text).toContain("- Expected credit loss up on the previous month-end (New, Level 1): 1,200.50\n");
    expect(text).toContain("    Month-end: 2026-06-30; Previous month-end: 1,000.00; This month-end: 1,200.50; Up: 20.1 %; Threshold: 10.0 %\n");
    expect(text).toContain("    Portfolio page: https://ar.example.com/reports/expected-loss\n");
    expect(text).toContain("Portfolio thresholds crossed in the latest build.");
  });
});
