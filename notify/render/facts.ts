// The figures behind a breach (its facts, named by notify/rules/*.sql), each in its own form:
// money in the currency's minor units, shares as percentages, the rest as they came.
import { formatAmount } from "../../core/money.ts";
import type { DigestBreach } from "../digest.ts";

const MONEY = new Set([
  "credit_limit", "exposure_amount", "over_by", "overdue_amount", "overdue_beyond_first_level", "expected_bad_debt_amount",
  "promised_amount", "expected_credit_loss", "opening_allowance", "closing_allowance", "previous_amount", "under_follow_up_amount", "gross_amount",
]);
/** Shares of 1 (0.95 = 95 %). */
const SHARE = new Set(["utilisation", "follow_up_ratio"]);
/** Already in percent. */
const PERCENT = new Set(["up_percent", "threshold_percent"]);
/** `threshold` is a share for these rules and money for expected_loss_above. */
const SHARE_THRESHOLD_RULES = new Set(["near_limit", "portfolio_follow_up_share_below"]);
const MONEY_THRESHOLD_RULES = new Set(["portfolio_expected_loss_above"]);

type Kind = "money" | "share" | "percent" | "plain";

function kindOf(rule: string, key: string): Kind {
  if (key === "threshold") return SHARE_THRESHOLD_RULES.has(rule) ? "share" : MONEY_THRESHOLD_RULES.has(rule) ? "money" : "plain";
  if (MONEY.has(key) || key.endsWith("_amount")) return "money";
  if (SHARE.has(key)) return "share";
  if (PERCENT.has(key)) return "percent";
  return "plain";
}

/** One fact's value for reading: "10,000.00", "95.0 %", "12.5 %", or the value as given. */
export function formatFact(rule: string, key: string, value: string | number, currency: string): string {
  const kind = kindOf(rule, key);
  const number = Number(value);
  if (kind === "money") return formatAmount(String(value), currency);
  if ((kind === "share" || kind === "percent") && Number.isFinite(number)) return `${(kind === "share" ? number * 100 : number).toFixed(1)} %`;
  return String(value);
}

/** The facts that have a value, in the order the rule wrote them. */
export function presentFacts(facts: DigestBreach["facts"]): [string, string | number][] {
  return Object.entries(facts ?? {}).filter((e): e is [string, string | number] => e[1] !== null && e[1] !== undefined && e[1] !== "");
}
