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
  /** ISO 8601, UTC. Never changed: the policy parses it once per stamp. */
  readonly builtAt: string;
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

/**
 * SQL: the cents of an exact DECIMAL(…, 2) column as text, 1234.50 → "123450" (a DECIMAL of scale
 * 2 as text without its point is its cents, exactly, at any width), for BigInt() in JS.
 */
export const centsText = (column: string) => `replace(${column}::DECIMAL(38,2)::varchar, '.', '')`;

/** A centsText value as cents; null stays null. */
export const centsFromText = (text: string | null | undefined): bigint | null => (text == null ? null : BigInt(text));

/** The money columns of a standing's customer, in the order standingJsonSql gives them after the others. */
const CENTS_COLUMNS = ["credit_limit", "outstanding_amount", "open_orders_amount", "overdue_amount", "overdue_past_grace_amount", "overdue_past_hold_amount", "overdue_past_max_age_amount"];
const TEXT_COLUMNS = ["customer_id", "customer_name", "team", "collector", "status", "behaviour_class", "max_days_past_due"];

/**
 * The snapshot's customers (those `where` keeps) as JSON text, up to 2,048 customers a row, each customer an array of
 * text (TEXT_COLUMNS, then CENTS_COLUMNS in cents; null as null). The driver turns every value of
 * a result into a JS value one by one, ~1–3 µs a string: at 100,000 customers reading the columns
 * took ~1 s of a reload, where DuckDB writing the JSON and V8 parsing it take ~0.3 s.
 */
export function standingJsonSql(where = ""): string {
  const fields = [
    ...TEXT_COLUMNS.map((c) => `${c}::varchar`),
    ...CENTS_COLUMNS.map(centsText),
  ];
  // In the file's order, as the rows were read before: whoever walks the map meets them so.
  return `select to_json(list([${fields.join(", ")}] order by rowid))::varchar as customers
    from customers ${where} group by rowid // 2048 order by rowid // 2048`;
}

type Text = string | null;

/** One customer of standingJsonSql's arrays. */
export function customerFromJson(a: readonly Text[]): CustomerStanding {
  const n = TEXT_COLUMNS.length;
  const money = (i: number) => centsFromText(a[n + i]);
  return {
    customerId: a[0]!,
    customerName: a[1] ?? null,
    team: a[2] ?? null,
    collector: a[3] ?? null,
    status: a[4] === "blocked" ? "blocked" : "active",
    behaviourClass: a[5] as BehaviourClass,
    maxDaysPastDue: a[6] == null ? 0 : Number(a[6]),
    creditLimit: money(0),
    outstanding: money(1) ?? 0n,
    openOrders: money(2) ?? 0n,
    overdue: money(3) ?? 0n,
    overduePastGrace: money(4) ?? 0n,
    overduePastHold: money(5) ?? 0n,
    overduePastMaxAge: money(6) ?? 0n,
  };
}
