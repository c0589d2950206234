// Money in the credit check is a whole number of cents (BigInt): every amount the warehouse holds
// is DECIMAL(…, 2), so sums and comparisons stay exact at any size, with no floating point.

/** Why a requested amount is not acceptable, or its cents. */
export function parseOrderAmount(value: unknown): { cents: bigint } | { problem: string } {
  let text: string;
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return { problem: "amount must be a finite number" };
    // The shortest text that reads back as the same number: 10.005 stays "10.005" (three decimals).
    text = String(value);
  } else if (typeof value === "string") {
    text = value.trim();
  } else if (value === undefined || value === null) {
    return { problem: "amount is missing" };
  } else {
    return { problem: `amount must be a number, not ${typeof value === "object" ? "an object" : typeof value}` };
  }
  const match = /^(\d+)(?:\.(\d*))?$/.exec(text);
  if (!match) {
    if (/^-/.test(text)) return { problem: `amount must be positive, not ${JSON.stringify(text).slice(0, 40)}` };
    return { problem: `amount must be a plain decimal number such as 1250.50, not ${JSON.stringify(text).slice(0, 40)}` };
  }
  const [, whole, fraction = ""] = match;
  if (fraction.length > 2) return { problem: `amount has more than two decimals: ${text.slice(0, 40)}` };
  if (whole!.length > 17) return { problem: "amount is too large (at most 17 digits before the decimal point)" };
  const cents = BigInt(whole!) * 100n + BigInt(fraction.padEnd(2, "0") || "0");
  if (cents <= 0n) return { problem: "amount must be more than zero" };
  return { cents };
}

/** Cents from an exact decimal text as the warehouse returns it ("-1234.5", "0.00"); null stays null. */
export function centsOf(value: unknown): bigint | null {
  if (value === null || value === undefined) return null;
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(String(value).trim());
  if (!match) throw new Error(`not an exact amount: ${String(value)}`);
  const [, sign, whole, fraction = ""] = match;
  if (fraction.length > 2 && /[1-9]/.test(fraction.slice(2))) throw new Error(`more than two decimals: ${String(value)}`);
  const cents = BigInt(whole!) * 100n + BigInt(fraction.slice(0, 2).padEnd(2, "0"));
  return sign ? -cents : cents;
}

/** Exact decimal text with two decimals: 123456n → "1234.56", -5n → "-0.05". */
export function decimalText(cents: bigint): string {
  const negative = cents < 0n;
  const abs = negative ? -cents : cents;
  const text = `${abs / 100n}.${String(abs % 100n).padStart(2, "0")}`;
  return negative ? `-${text}` : text;
}

/** numerator / denominator rounded half away from zero to 4 decimals, as text ("0.9500"). */
export function ratioText(numerator: bigint, denominator: bigint): string {
  const scaled = (numerator * 10000n * 2n) / denominator;
  const rounded = scaled >= 0n ? (scaled + 1n) / 2n : (scaled - 1n) / 2n;
  const negative = rounded < 0n;
  const abs = negative ? -rounded : rounded;
  const text = `${abs / 10000n}.${String(abs % 10000n).padStart(4, "0")}`;
  return negative ? `-${text}` : text;
}
