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

/**
 * A standing row as read from the snapshot, its amounts in cents (STANDING_ROW_SQL): reading a
 * DECIMAL as text and parsing it took a third of a reload's time at 100,000 customers.
 */
export interface StandingRow {
  customer_id: string;
  customer_name: Text;
  team: Text;
  collector: Text;
  status: string;
  credit_limit: bigint | null;
  outstanding_amount: bigint | null;
  open_orders_amount: bigint | null;
  overdue_amount: bigint | null;
  max_days_past_due: number | null;
  overdue_past_grace_amount: bigint | null;
  overdue_past_hold_amount: bigint | null;
  overdue_past_max_age_amount: bigint | null;
  behaviour_class: string;
}

/**
 * Cents of an exact DECIMAL(…, 2) column, as a HUGEINT (a JS bigint). Whole units and the
 * fraction are converted apart: the product amount × 100 overflows the DECIMAL's own width
 * (a DECIMAL(18, 2) of 16 digits before the point), the HUGEINT holds any DECIMAL(38, 2) in cents.
 */
export const centsColumn = (column: string) =>
  `(trunc(${column})::hugeint * 100 + ((${column} - trunc(${column})) * 100)::hugeint) as ${column}`;

/** The snapshot's customers as StandingRow. */
export const STANDING_ROW_SQL = `select customer_id, customer_name, team, collector, status, max_days_past_due, behaviour_class,
  ${["credit_limit", "outstanding_amount", "open_orders_amount", "overdue_amount", "overdue_past_grace_amount", "overdue_past_hold_amount", "overdue_past_max_age_amount"].map(centsColumn).join(", ")}
  from customers`;

export function customerFromRow(r: StandingRow): CustomerStanding {
  return {
    customerId: r.customer_id,
    customerName: r.customer_name,
    team: r.team,
    collector: r.collector,
    status: r.status === "blocked" ? "blocked" : "active",
    creditLimit: r.credit_limit,
    outstanding: r.outstanding_amount ?? 0n,
    openOrders: r.open_orders_amount ?? 0n,
    overdue: r.overdue_amount ?? 0n,
    maxDaysPastDue: r.max_days_past_due ?? 0,
    overduePastGrace: r.overdue_past_grace_amount ?? 0n,
    overduePastHold: r.overdue_past_hold_amount ?? 0n,
    overduePastMaxAge: r.overdue_past_max_age_amount ?? 0n,
    behaviourClass: r.behaviour_class as BehaviourClass,
  };
}
