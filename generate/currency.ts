/**
 * How the generator's USD-denominated amount model is expressed in the extract currency.
 * Amounts are drawn in "USD-like" units and then scaled, so that a VND ledger looks like a VND
 * ledger (millions of dong, no minor unit) rather than a USD ledger with a different label.
 */
export interface CurrencyScale {
  /** Multiplier from the USD-like model amount to this currency. */
  scale: number;
  /** Decimals kept when rounding; VND has no minor unit in practice. */
  digits: number;
  /** Which chat apps collectors use: Zalo in Vietnam, LINE in Thailand. */
  market: "VN" | "TH" | "OTHER";
}

const KNOWN: Record<string, CurrencyScale> = {
  USD: { scale: 1, digits: 2, market: "OTHER" },
  VND: { scale: 25_000, digits: 0, market: "VN" },
  THB: { scale: 35, digits: 2, market: "TH" },
};

/** The scale of a currency; unknown ISO codes keep USD-like magnitudes with 2 decimals. */
export function currencyScale(code: string): CurrencyScale {
  return KNOWN[code] ?? { scale: 1, digits: 2, market: "OTHER" };
}
