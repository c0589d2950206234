import { describe, expect, it } from "vitest";

// The site's browser-side module, imported by URL so that the Node-side type-check does not follow it.
const FORMAT_MODULE = new URL("../../reports/src/components/format.js", import.meta.url).href;
type Format = {
  money: (v: string) => string;
  amount: (v: string) => string;
  date: (iso: string) => string;
  share: (p: string, w: string) => string;
  rate: (v: string | null) => string;
  factor: (v: string) => string;
  monthOf: (d: Date) => string;
};
const { formatter } = (await import(FORMAT_MODULE)) as { formatter: (meta: object, locale: string) => Format };

const nbsp = (s: string) => s.replace(/[\u00a0\u202f]/g, " ");

describe("the site's formats", () => {
  it("shows VND with no minor unit and Vietnamese separators, exactly", () => {
    const f = formatter({ currency: "VND", minor_units: 0 }, "vi");
    expect(nbsp(f.money("250000000"))).toBe("250.000.000 ₫");
    // Beyond 2^53 a float would lose the last digits; Intl formats the decimal string as it is.
    expect(nbsp(f.amount("98765432109876543"))).toBe("98.765.432.109.876.543");
  });

  it("shows USD with two decimals in English", () => {
    const f = formatter({ currency: "USD", minor_units: 2 }, "en");
    expect(f.money("-1234.5")).toBe("-US$1,234.50");
    expect(f.share("25", "100")).toBe("25.0%");
  });

  it("dates Thai pages in the Buddhist calendar: 2024-02-29 is 29 February 2567", () => {
    const f = formatter({ currency: "THB", minor_units: 2 }, "th");
    expect(f.date("2024-02-29")).toBe("29 ก.พ. 2567");
    expect(nbsp(f.money("1234.5"))).toBe("฿1,234.50");
  });

  it("names a chart axis's months in the reader's language: March 2024 is Mar 2024, thg 3 2024, มี.ค. 2567", () => {
    const march = new Date("2024-03-01T00:00:00Z");
    expect(formatter({ currency: "USD", minor_units: 2 }, "en").monthOf(march)).toBe("Mar 2024");
    expect(formatter({ currency: "VND", minor_units: 0 }, "vi").monthOf(march)).toBe("thg 3 2024");
    expect(formatter({ currency: "THB", minor_units: 2 }, "th").monthOf(march)).toBe("มี.ค. 2567");
  });

  it("writes rates and factors with the locale's decimal mark: 0.1234 is 12.34% in English, 12,34% in Vietnamese (CLDR: no space in either)", () => {
    expect(nbsp(formatter({ currency: "USD", minor_units: 2 }, "en").rate("0.1234"))).toBe("12.34%");
    expect(nbsp(formatter({ currency: "VND", minor_units: 0 }, "vi").rate("0.1234"))).toBe("12,34%");
    expect(formatter({ currency: "VND", minor_units: 0 }, "vi").rate(null)).toBe("–");
    expect(formatter({ currency: "VND", minor_units: 0 }, "vi").factor("1.25")).toBe("1,25");
  });
});
