// Money in the credit check is whole cents. An order amount must be a plain positive number with at
// most two decimals (issue 9: "a missing, non-numeric, non-finite or non-positive amount, more than
// two decimals" is a bad request); expected cents worked out by hand.
import { describe, expect, it } from "vitest";
import { centsOf, decimalText, parseOrderAmount, ratioText } from "../../credit/cents.ts";

const cents = (value: unknown) => {
  const r = parseOrderAmount(value);
  return "cents" in r ? r.cents : `problem: ${r.problem}`;
};
const problem = (value: unknown) => {
  const r = parseOrderAmount(value);
  return "problem" in r ? r.problem : `accepted as ${r.cents} cents`;
};

describe("parseOrderAmount(value)", () => {
  it.each([
    [1250.5, 125_050n],
    [1250.55, 125_055n],
    [10, 1_000n],
    [0.01, 1n],
    [0.1, 10n],
    [99999.99, 9_999_999n],
    // 0.29 is not exactly representable in binary; its shortest text is still "0.29".
    [0.29, 29n],
    [1.1, 110n],
  ])("reads the number %s as %s cents", (value, expected) => {
    expect(cents(value)).toBe(expected);
  });

  it.each([
    ["1250.50", 125_050n],
    ["1250.5", 125_050n],
    ["1250", 125_000n],
    ["0.01", 1n],
    ["007.10", 710n],
    ["12345678901234567.89", 1_234_567_890_123_456_789n],
  ])("reads the text %j as %s cents", (value, expected) => {
    expect(cents(value)).toBe(expected);
  });

  it("reads 17 digits before the point exactly, beyond what a double holds", () => {
    // 99,999,999,999,999,999.99 = 9,999,999,999,999,999,999 cents, exact as BigInt.
    expect(cents("99999999999999999.99")).toBe(9_999_999_999_999_999_999n);
  });

  it("trims surrounding whitespace of a text amount", () => {
    expect(cents("  42.00 ")).toBe(4_200n);
    expect(cents("\t42\n")).toBe(4_200n);
  });

  it.each([
    [10.005, /more than two decimals/],
    ["10.005", /more than two decimals/],
    ["1.000", /more than two decimals/],
    [0.1 + 0.2, /more than two decimals/], // 0.30000000000000004
    [1e21, /plain decimal/], // "1e+21"
    ["1e3", /plain decimal/],
    [1e-7, /plain decimal/], // "1e-7"
    [-5, /positive/],
    ["-5.00", /positive/],
    ["-0.01", /positive/],
    [0, /more than zero/],
    ["0", /more than zero/],
    ["0.00", /more than zero/],
    [-0, /more than zero/],
    [Number.NaN, /finite/],
    [Number.POSITIVE_INFINITY, /finite/],
    [Number.NEGATIVE_INFINITY, /finite/],
    ["NaN", /plain decimal/],
    ["Infinity", /plain decimal/],
    ["", /plain decimal/],
    ["   ", /plain decimal/],
    ["1 000", /plain decimal/],
    ["1,000.00", /plain decimal/],
    ["+5", /plain decimal/],
    ["0x10", /plain decimal/],
    [".5", /plain decimal/],
    ["12.3.4", /plain decimal/],
    ["١٢", /plain decimal/], // Arabic-Indic digits are not ASCII digits
    ["100000000000000000", /too large/], // 18 digits
    ["999999999999999999999999999999", /too large/],
    [undefined, /missing/],
    [null, /missing/],
    [true, /number/],
    [{ value: 5 }, /object/],
    [[5], /object/],
  ])("rejects %j (%s)", (value, expected) => {
    expect(problem(value)).toMatch(expected);
  });

  it("rejects a BigInt (JSON never gives one)", () => {
    expect(problem(5n)).toMatch(/number/);
  });

  it("keeps the echoed text short for a huge input", () => {
    expect(problem("x".repeat(100_000)).length).toBeLessThan(200);
    expect(problem(`1.${"0".repeat(100_000)}`).length).toBeLessThan(200);
  });
});

describe("centsOf(decimal text)", () => {
  it.each([
    ["1234.56", 123_456n],
    ["-1234.5", -123_450n],
    ["0.00", 0n],
    ["-0.05", -5n],
    ["12", 1_200n],
    ["1.000", 100n], // a DECIMAL(18,3) zero-padded
  ])("reads %j as %s cents", (text, expected) => {
    expect(centsOf(text)).toBe(expected);
  });

  it("keeps null as null and refuses what is not an exact amount", () => {
    expect(centsOf(null)).toBeNull();
    expect(() => centsOf("0.001")).toThrow(/more than two decimals/);
    expect(() => centsOf("1e5")).toThrow(/not an exact amount/);
  });
});

describe("decimalText(cents)", () => {
  it.each([
    [123_456n, "1234.56"],
    [0n, "0.00"],
    [1n, "0.01"],
    [10n, "0.10"],
    [100n, "1.00"],
    [-5n, "-0.05"],
    [-100n, "-1.00"],
    [-123_456n, "-1234.56"],
    [9_999_999_999_999_999_999n, "99999999999999999.99"],
  ])("writes %s cents as %j", (value, expected) => {
    expect(decimalText(value)).toBe(expected);
  });
});

describe("ratioText(numerator, denominator): 4 decimals, half away from zero", () => {
  it.each([
    [1n, 1n, "1.0000"],
    [9n, 10n, "0.9000"],
    [2n, 3n, "0.6667"], // 0.66666…
    [1n, 3n, "0.3333"],
    [1n, 8n, "0.1250"],
    [1n, 20_000n, "0.0001"], // 0.00005 exactly: half rounds up
    [1n, 20_001n, "0.0000"], // just under half
    [3n, 40_000n, "0.0001"], // 0.000075 → 0.0001
    [1n, 30_000n, "0.0000"],
    [-1n, 20_000n, "-0.0001"], // half away from zero
    [-1n, 30_000n, "0.0000"], // no "-0.0000"
    [-3n, 8n, "-0.3750"],
    [1_000_001n, 1_000_000n, "1.0000"], // 10,000.01 of 10,000.00
    [1_000_050n, 1_000_000n, "1.0001"], // 1.00005 → 1.0001
    [899_999n, 1_000_000n, "0.9000"], // 0.899999
    [5n, 2n, "2.5000"],
  ])("%s / %s is %j", (n, d, expected) => {
    expect(ratioText(n, d)).toBe(expected);
  });
});
