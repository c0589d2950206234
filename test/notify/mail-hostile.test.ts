import { simpleParser } from "mailparser";
import { describe, expect, it } from "vitest";
import { renderDigest } from "../../notify/render/index.ts";
import { annaDigest } from "./mail-digest.ts";

// A customer name that tries to add headers and to run script in the HTML part.
const HOSTILE = "Evil Corp\r\nBcc: eve@example.com\r\nX-Injected: yes\n<img src=x onerror=alert(1)><script>alert(2)</script>";

function hostileDigest() {
  const base = annaDigest();
  return annaDigest({
    collector: "Anna\r\nBcc: eve@example.com",
    breaches: [{ ...base.breaches[0]!, customerId: "C\r\n<b>1</b>", customerName: HOSTILE, documentId: "INV\r\nCc: eve@example.com", facts: { note: "<img src=x onerror=alert(3)>" } }],
    workList: [{ ...base.workList[2]!, customerName: HOSTILE, detail: "</td><script>alert(4)</script>" }],
  });
}

describe("renderDigest with hostile data", () => {
  it("keeps CR/LF in names out of every header: no Bcc, Cc or injected field, subject without the name", async () => {
    const { rawMime, subject } = await renderDigest(hostileDigest());
    const head = rawMime.slice(0, rawMime.indexOf("\r\n\r\n"));
    expect(head).not.toMatch(/^(bcc|cc|x-injected):/im);
    expect(head).not.toContain("Evil");
    expect(subject).not.toMatch(/Evil|[\r\n]/);
    const mail = await simpleParser(rawMime);
    expect(mail.bcc).toBeUndefined();
    expect(mail.cc).toBeUndefined();
    expect(mail.headers.has("x-injected")).toBe(false);
    // Each part's own headers too: only what MIME needs.
    const partHeaders = rawMime.split(/\r\n--/).slice(1).map((part) => part.slice(0, part.indexOf("\r\n\r\n")));
    for (const h of partHeaders) expect(h).not.toMatch(/^(bcc|cc|x-injected):/im);
  });

  it("escapes markup in the HTML part: the names show as text, no element is made of them", async () => {
    const mail = await simpleParser((await renderDigest(hostileDigest())).rawMime);
    const html = String(mail.html);
    expect(html).not.toMatch(/<img|<script|<b>|onerror=alert\(\d\)>/);
    // The name is on one line, its CR/LF made spaces, its markup escaped.
    expect(html).toContain("Evil Corp Bcc: eve@example.com X-Injected: yes &lt;img src=x onerror=alert(1)&gt;&lt;script&gt;alert(2)&lt;/script&gt; (C &lt;b&gt;1&lt;/b&gt;)");
    expect(html).toContain("note: &lt;img src=x onerror=alert(3)&gt;");
    expect(html).toContain("&lt;/td&gt;&lt;script&gt;alert(4)&lt;/script&gt;");
    expect(html).toContain("Hello Anna Bcc: eve@example.com,");
  });

  it("keeps each name on its own line in the plain text", async () => {
    const text = String((await simpleParser((await renderDigest(hostileDigest())).rawMime)).text);
    expect(text.split("\n").filter((l) => /^(Bcc|Cc|X-Injected):/.test(l))).toEqual([]);
    expect(text).toContain("- Over the credit limit (New, Level 1): Evil Corp Bcc: eve@example.com X-Injected: yes <img src=x onerror=alert(1)><script>alert(2)</script> (C <b>1</b>) · INV Cc: eve@example.com · 1,500.50\n");
  });

  it("URL-encodes a hostile customer id in links, so it cannot leave the href", async () => {
    const mail = await simpleParser((await renderDigest(hostileDigest())).rawMime);
    expect(String(mail.html)).toContain('<a href="https://ar.example.com/reports/customer?id=C%0D%0A%3Cb%3E1%3C%2Fb%3E">');
  });
});
