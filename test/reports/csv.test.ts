import { describe, expect, it } from "vitest";

// The site's browser-side module, tested as it ships; imported by URL so that the type-check,
// which covers the Node side only, does not follow it.
const CSV_MODULE = new URL("../../reports/src/components/csv.js", import.meta.url).href;
const { neutralise, toCsv } = (await import(CSV_MODULE)) as {
  neutralise: (value: unknown) => string;
  toCsv: (rows: Record<string, unknown>[], columns: { key: string; label: string }[]) => string;
};

describe("CSV downloads", () => {
  it.each([
    ['=HYPERLINK("http://x")', `'=HYPERLINK("http://x")`],
    ["+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"],
    ["-2+3", "'-2+3"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\tx", "'\tx"],
    ["-12.50", "-12.50"],
    ["1234.56", "1234.56"],
    ["Acme", "Acme"],
  ])("neutralises %j as %j", (value, expected) => expect(neutralise(value)).toBe(expected));

  it("quotes commas, quotes and line breaks per RFC 4180", () => {
    const csv = toCsv([{ name: 'Minh Phát, "HCM"\nBranch', amount: "-5.00" }], [{ key: "name", label: "Customer" }, { key: "amount", label: "Amount" }]);
    expect(csv).toBe('Customer,Amount\n"Minh Phát, ""HCM""\nBranch",-5.00');
  });
});
