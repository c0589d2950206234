import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

// The site's browser-side modules, imported by URL so that the Node-side type-check does not follow them.
const load = async <T>(file: string) => (await import(new URL(`../../reports/src/components/${file}`, import.meta.url).href)) as T;
const { LABELS } = await load<{ LABELS: Record<string, Record<string, string>> }>("labels.js");
const { CODE_WORDS, codeLabels } = await load<{
  CODE_WORDS: Record<string, Record<string, Record<string, string>>>;
  codeLabels: (locale: string, none: string) => (kind: string, code: string | null) => string;
}>("codes.js");
const { NAV, navKeyOf } = await load<{ NAV: { path: string; key: string }[]; navKeyOf: (pathname: string) => string | undefined }>("nav.js");

describe("the site's words in en, vi and th", () => {
  it.each(["vi", "th"])("has every English label in %s, and no label left in English there", (locale) => {
    const missing = Object.keys(LABELS.en!).filter((key) => !(key in LABELS[locale]!));
    expect(missing).toEqual([]);
    // A copied English string would be a label nobody translated (codes such as DSO and CSV aside).
    const same = Object.keys(LABELS.en!).filter((key) => LABELS[locale]![key] === LABELS.en![key] && !/^(DSO|#)/.test(LABELS.en![key]!));
    expect(same).toEqual([]);
  });

  it.each(["vi", "th"])("has a word in %s for every code English has a word for", (locale) => {
    const missing = Object.entries(CODE_WORDS.en!).flatMap(([kind, words]) =>
      Object.keys(words).filter((code) => !(code in (CODE_WORDS[locale]![kind] ?? {}))).map((code) => `${kind}.${code}`),
    );
    expect(missing).toEqual([]);
  });

  it("names the generator's reasons, outcomes and channels, so the sample never shows a code", () => {
    // The vocabulary of generate/collection-attempts.ts and generate/word-lists.ts, written out.
    const sample = {
      reason: ["dispute_quality", "dispute_price", "missing_po", "wrong_invoice_address", "cash_flow", "awaiting_approval", "customer_closed"],
      outcome: ["promise_to_pay", "paid", "callback_requested", "no_answer", "dispute", "refused"],
      channel: ["phone", "zalo", "email", "visit", "letter", "line"],
    };
    for (const [kind, codes] of Object.entries(sample)) for (const code of codes) expect(CODE_WORDS.en![kind]![code], `${kind}.${code}`).toBeDefined();
  });

  it("shows a code as words, an unknown code as it came, and the marts' (none) as the locale's none", () => {
    const th = codeLabels("th", LABELS.th!.none!);
    expect(th("reason", "cash_flow")).toBe("ปัญหาสภาพคล่อง");
    expect(codeLabels("vi", "")("outcome", "promise_to_pay")).toBe("Hứa thanh toán");
    expect(codeLabels("en", "")("bucket", "not_due")).toBe("Not due");
    expect(th("bucket", "31-60")).toBe("31-60");
    expect(th("channel", "wechat")).toBe("wechat");
    expect(th("reason", "(none)")).toBe("(ไม่มี)");
    expect(th("reason", null)).toBe("");
  });

  it("finds each navigation page's label from its URL, with or without .html or a base path", () => {
    expect(NAV.map((p) => LABELS.vi![p.key])).toEqual(["Tổng quan", "Tuổi nợ", "Tín dụng", "Kiểm tra tín dụng", "Tổn thất dự kiến", "Dự báo dòng tiền thu", "Thu hồi nợ", "Cảnh báo", "Khách hàng", "Chất lượng dữ liệu"]);
    expect(navKeyOf("/")).toBe("overview");
    expect(navKeyOf("/reports/index.html")).toBe("overview");
    expect(navKeyOf("/expected-loss")).toBe("expected_loss");
    expect(navKeyOf("/site/data-quality.html")).toBe("data_quality");
    expect(navKeyOf("/customer")).toBeUndefined();
  });

  it("lists each page's Vietnamese and Thai name as its search keywords, as the labels have them", () => {
    const file = (path: string) => new URL(`../../reports/src/${path === "/" ? "index" : path.slice(1)}.md`, import.meta.url);
    for (const page of NAV) {
      const frontMatter = readFileSync(file(page.path), "utf8").split("\n---\n")[0]!;
      expect(frontMatter, page.path).toContain(`keywords: ${LABELS.vi![page.key]}, ${LABELS.th![page.key]}`);
    }
  });
});
