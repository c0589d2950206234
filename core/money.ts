const minorUnitsByCurrency = new Map<string, number>();

/** Digits after the decimal point in a currency's minor unit: USD 2, THB 2, VND 0. */
export function minorUnits(currency: string): number {
  // Asked once per amount when digests are rendered: an Intl.NumberFormat costs ~70 µs to make.
  let digits = minorUnitsByCurrency.get(currency);
  if (digits === undefined) {
    try {
      digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      digits = 2;
    }
    minorUnitsByCurrency.set(currency, digits);
  }
  return digits;
}

let isoCurrencies: readonly string[] | undefined;

/**
 * The ISO 4217 codes Node's Intl knows (USD, VND, THB, …), upper case, sorted: what a `currency`
 * column of an extract may hold. Made once: the list does not change while the process runs.
 */
export function isoCurrencyCodes(): readonly string[] {
  isoCurrencies ??= Object.freeze(Intl.supportedValuesOf("currency").map((c) => c.toUpperCase()));
  return isoCurrencies;
}

/**
 * Formats an exact decimal string ("-1234567.5") with thousands separators and the currency's
 * minor units, without passing through a float, so that large VND totals stay exact.
 */
export function formatAmount(value: string | null | undefined, currency: string): string {
  if (value === null || value === undefined) return "-";
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value.trim());
  if (!match) return value;
  const [, sign, whole, fraction = ""] = match;
  const digits = minorUnits(currency);
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const cents = digits > 0 ? `.${fraction.padEnd(digits, "0").slice(0, digits)}` : "";
  const isZero = /^0*$/.test(whole! + fraction);
  return `${sign && !isZero ? "-" : ""}${grouped}${cents}`;
}
