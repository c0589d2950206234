// The credit policy (README: Credit check), one pure function: a customer's standing, what is
// already reserved and the order in; a decision with every reason that applies out. Money in cents.
import type { Config } from "../core/config.ts";
import { formatAmount } from "../core/money.ts";
import { centsOf, decimalText, ratioText } from "./cents.ts";
import type { BuildStamp, CustomerStanding } from "./standing.ts";

export type Decision = "approve" | "warn" | "hold" | "block";
export const SEVERITY: Record<Decision, number> = { approve: 0, warn: 1, hold: 2, block: 3 };

export type ReasonCode =
  | "customer_blocked"
  | "bad_debt"
  | "defaulting"
  | "unstable_over_limit"
  | "over_limit"
  | "days_past_due"
  | "stale_data"
  | "near_limit"
  | "no_limit"
  | "overdue";

export interface Reason {
  code: ReasonCode;
  /** The decision this reason alone leads to. */
  level: Exclude<Decision, "approve">;
  message: string;
}

/** The policy's settings: creditCheck from the config, the build's own thresholds from its stamp. */
export interface PolicySettings {
  /** creditStatus.warnAt of the build, in ten-thousandths (0.9 → 9000n). */
  warnAtBasisPoints: bigint;
  minOverdue: bigint;
  maxDataAgeHours: number;
  staleData: "warn" | "hold";
  graceDays: number;
  holdDaysPastDue: number;
  maxDebtAgeDays: number;
  currency: string;
}

export function policySettings(config: Config, build: BuildStamp): PolicySettings {
  const [whole = "0", fraction = ""] = String(build.warnAt).split(".");
  return {
    warnAtBasisPoints: BigInt(whole) * 10000n + BigInt(fraction.padEnd(4, "0").slice(0, 4)),
    minOverdue: centsOf(config.creditCheck.minOverdueAmount.toFixed(2)) ?? 0n,
    maxDataAgeHours: config.creditCheck.maxDataAgeHours,
    staleData: config.creditCheck.staleData,
    graceDays: build.graceDays,
    holdDaysPastDue: build.holdDaysPastDue,
    maxDebtAgeDays: build.maxDebtAgeDays,
    currency: build.currency,
  };
}

export interface ExposureParts {
  outstanding: bigint;
  openOrders: bigint;
  pendingApprovals: bigint;
  thisOrder: bigint;
}

export interface Assessment {
  decision: Decision;
  reasons: Reason[];
  exposure: ExposureParts & { totalAfter: bigint };
  creditLimit: bigint | null;
  availableCreditAfter: bigint | null;
  /** total after ÷ limit, 4 decimals; null without a positive limit. */
  utilisationAfter: string | null;
  dataAgeHours: number;
  isStale: boolean;
}

/** Hours since the build finished, to one decimal place. */
export function dataAgeHours(build: BuildStamp, now: Date): number {
  return Math.round((now.getTime() - builtAtMs(build)) / 360_000) / 10;
}

const parsedBuiltAt = new WeakMap<BuildStamp, number>();

/** When the build finished, parsed once per standing: the holds list assesses every customer. */
function builtAtMs(build: BuildStamp): number {
  let ms = parsedBuiltAt.get(build);
  if (ms === undefined) {
    ms = Date.parse(build.builtAt);
    parsedBuiltAt.set(build, ms);
  }
  return ms;
}

/**
 * Decides on one order. `openOrders` and `pendingApprovals` are what the caller counts for this
 * order (a re-checked order's earlier figure left out). Exposure exactly at the limit is within it.
 */
/**
 * `anyOrder`: decide for the next order of any size instead (thisOrder 0): a customer at its limit
 * is then over it, as the holds list needs.
 */
export function assess(customer: CustomerStanding, parts: Omit<ExposureParts, "outstanding">, settings: PolicySettings, build: BuildStamp, now: Date, anyOrder = false): Assessment {
  const money = (cents: bigint) => `${settings.currency} ${formatAmount(decimalText(cents), settings.currency)}`;
  const exposure = { outstanding: customer.outstanding, ...parts };
  const totalAfter = exposure.outstanding + exposure.openOrders + exposure.pendingApprovals + exposure.thisOrder;
  const limit = customer.creditLimit;
  const overLimit = limit !== null && (anyOrder ? totalAfter >= limit : totalAfter > limit);
  const after = anyOrder ? "exposure" : "exposure after this order";
  const age = dataAgeHours(build, now);
  const isStale = now.getTime() - builtAtMs(build) > settings.maxDataAgeHours * 3_600_000;
  const reasons: Reason[] = [];
  const add = (level: Reason["level"], code: ReasonCode, message: string) => reasons.push({ code, level, message });

  if (customer.status === "blocked") add("block", "customer_blocked", "the customer is blocked in the ERP's customer extract");
  if (customer.overduePastMaxAge >= settings.minOverdue && customer.overduePastMaxAge > 0n) {
    add("block", "bad_debt", `${money(customer.overduePastMaxAge)} is more than ${settings.maxDebtAgeDays} days past due (badDebt.maxDebtAgeDays)`);
  }
  if (customer.behaviourClass === "defaulting") add("block", "defaulting", "the customer's payment behaviour is defaulting (a write-off in the last 12 months, or bad debt at the month-end)");
  if (customer.behaviourClass === "unstable" && overLimit) {
    add("block", "unstable_over_limit", `the customer pays unstably and ${anyOrder ? "any order" : "this order"} takes it over its limit of ${money(limit!)}`);
  }
  if (overLimit) {
    const by = totalAfter > limit! ? ` by ${money(totalAfter - limit!)}` : " (any order takes it over)";
    add("hold", "over_limit", `${after}, ${money(totalAfter)}, is ${anyOrder ? "at or above" : "above"} the credit limit of ${money(limit!)}${by}`);
  }
  if (customer.overduePastHold >= settings.minOverdue && customer.overduePastHold > 0n) {
    add("hold", "days_past_due", `${money(customer.overduePastHold)} is more than ${settings.holdDaysPastDue} days past due (creditCheck.holdDaysPastDue)`);
  }
  if (isStale) {
    add(settings.staleData, "stale_data", `the figures are from a build ${age} hours old, more than creditCheck.maxDataAgeHours (${settings.maxDataAgeHours})`);
  }
  if (limit === null) add("warn", "no_limit", "the customer has no credit limit set");
  else if (!overLimit && limit > 0n && totalAfter * 10000n >= settings.warnAtBasisPoints * limit) {
    add("warn", "near_limit", `${after}, ${money(totalAfter)}, is ${ratioText(totalAfter * 100n, limit)}% of the limit of ${money(limit)} (creditStatus.warnAt)`);
  }
  if (customer.overduePastGrace >= settings.minOverdue && customer.overduePastGrace > 0n) {
    const late = settings.graceDays === 0 ? "is overdue" : `is overdue by more than ${settings.graceDays} days (creditCheck.graceDays)`;
    add("warn", "overdue", `${money(customer.overduePastGrace)} ${late}`);
  }

  reasons.sort((a, b) => SEVERITY[b.level] - SEVERITY[a.level]);
  const decision: Decision = reasons[0]?.level ?? "approve";
  return {
    decision,
    reasons,
    exposure: { ...exposure, totalAfter },
    creditLimit: limit,
    availableCreditAfter: limit === null ? null : limit - totalAfter,
    utilisationAfter: limit !== null && limit > 0n ? ratioText(totalAfter, limit) : null,
    dataAgeHours: age,
    isStale,
  };
}
