import { describe, expect, it } from "vitest";
import { localToday, parseIsoDate } from "../../core/dates.ts";
import { formatAmount } from "../../core/money.ts";

describe("formatAmount(value, currency)", () => {
  it.each([
    ["1234567.5", "USD", "1,234,567.50"],
    ["-1234.56", "THB", "-1,234.56"],
    ["250000000", "VND", "250,000,000"],
    ["98765432109876543.21", "USD", "98,765,432,109,876,543.21"],
    ["-0.00", "USD", "0.00"],
    ["0", "USD", "0.00"],
  ])("formats %s %s as %s, exactly", (value, currency, expected) => expect(formatAmount(value, currency)).toBe(expected));
});

describe("dates", () => {
  it("accepts only real YYYY-MM-DD dates", () => {
    expect(parseIsoDate("2024-02-29")).toBe("2024-02-29");
    expect(() => parseIsoDate("2023-02-29", "--as-of")).toThrow('--as-of "2023-02-29" is not a real date written YYYY-MM-DD');
    expect(() => parseIsoDate("29/02/2024")).toThrow();
  });

  it("takes today as the local calendar day", () => {
    expect(localToday(new Date(2024, 0, 31, 23, 59))).toBe("2024-01-31");
  });

  it("takes today in schedule.timezone when one is given, whatever the machine's zone", () => {
    // 23:30 UTC on 1 December is 06:30 on 2 December in Bangkok (UTC+7), 18:30 on 1 December in New York.
    const instant = new Date("2026-12-01T23:30:00Z");
    expect(localToday(instant, "Asia/Bangkok")).toBe("2026-12-02");
    expect(localToday(instant, "America/New_York")).toBe("2026-12-01");
    expect(localToday(new Date("2024-02-29T17:00:00Z"), "Asia/Ho_Chi_Minh")).toBe("2024-03-01");
  });
});
