import { centsOf } from "./cents.ts";

export type BehaviourClass = "prompt" | "slow" | "unstable" | "defaulting" | "no_history";

/** One customer's figures from marts.rpt_credit_standing, amounts in cents. */
export interface CustomerStanding {
  customerId: string;
  customerName: string | null;
  team: string | null;
  collector: string | null;
  status: "active" | "blocked";
  creditLimit: bigint | null;
  outstanding: bigint;
  openOrders: bigint;
  overdue: bigint;
  maxDaysPastDue: number;
  overduePastGrace: bigint;
  overduePastHold: bigint;
  overduePastMaxAge: bigint;
  behaviourClass: BehaviourClass;
}

/** What build the standing comes from (marts.rpt_build_info) and when extracts were last loaded. */
export interface BuildStamp {
  asOfDate: string;
  /** ISO 8601, UTC. */
  builtAt: string;
  /** The last successful load before the build (meta.load_log), ISO 8601 UTC; null if none. */
  lastIngestAt: string | null;
  currency: string;
  warnAt: string;
  maxDebtAgeDays: number;
  graceDays: number;
  holdDaysPastDue: number;
}

export interface KnownOrder {
  customerId: string;
  /** Unbilled and open on the as-of date (part of the customer's open orders), in cents; null when only invoiced. */
  openUnbilled: bigint | null;
}

/** Everything a decision reads, from one build. Replaced whole on reload, never changed in place. */
export interface Standing {
  build: BuildStamp;
  customers: ReadonlyMap<string, CustomerStanding>;
  /** Orders the warehouse knows (sales orders, or invoices that name one): a reservation for one is over. */
  orders: ReadonlyMap<string, KnownOrder>;
}

type Text = string | null;

/** A standing row as read from the snapshot (DECIMAL as exact text). */
export interface StandingRow {
  customer_id: string;
  customer_name: Text;
  team: Text;
  collector: Text;
  status: string;
  credit_limit: Text;
  outstanding_amount: string;
  open_orders_amount: string;
  overdue_amount: Text;
  max_days_past_due: number | null;
  overdue_past_grace_amount: string;
  overdue_past_hold_amount: string;
  overdue_past_max_age_amount: string;
  behaviour_class: string;
}

export function customerFromRow(r: StandingRow): CustomerStanding {
  return {
    customerId: r.customer_id,
    customerName: r.customer_name,
    team: r.team,
    collector: r.collector,
    status: r.status === "blocked" ? "blocked" : "active",
    creditLimit: centsOf(r.credit_limit),
    outstanding: centsOf(r.outstanding_amount) ?? 0n,
    openOrders: centsOf(r.open_orders_amount) ?? 0n,
    overdue: centsOf(r.overdue_amount) ?? 0n,
    maxDaysPastDue: r.max_days_past_due ?? 0,
    overduePastGrace: centsOf(r.overdue_past_grace_amount) ?? 0n,
    overduePastHold: centsOf(r.overdue_past_hold_amount) ?? 0n,
    overduePastMaxAge: centsOf(r.overdue_past_max_age_amount) ?? 0n,
    behaviourClass: r.behaviour_class as BehaviourClass,
  };
}
