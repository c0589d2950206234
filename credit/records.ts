// What the credit log holds, line by line (README: Credit check, "The audit log"). These records
// are also what marts.fct_credit_checks is built from, so their field names are a contract.
import type { Decision, ReasonCode } from "./policy.ts";

export interface ReasonRecord {
  code: ReasonCode;
  level: Exclude<Decision, "approve">;
  message: string;
}

export interface OverrideInfo {
  override_id: string;
  by: string;
  reason: string;
  at: string;
  /** A standing override: later holds of the customer pass while exposure stays within this… */
  up_to_amount: string | null;
  /** …until this instant (ISO 8601 UTC). */
  until: string | null;
  /** Set when the override was given on an earlier check and covers this one. */
  from_check_id: string | null;
}

/** The answer to a check: what `arwatch check --json` prints and POST /v1/credit-checks returns. */
export interface CheckAnswer {
  check_id: string;
  checked_at: string;
  source: "cli" | "api";
  customer_id: string;
  customer_name: string | null;
  order_id: string | null;
  amount: string;
  decision: Decision;
  /** approve or warn, or a hold (or an allowed block) overridden by a named person. */
  may_proceed: boolean;
  reasons: ReasonRecord[];
  exposure: { outstanding: string; open_orders: string; pending_approvals: string; this_order: string; total_after: string };
  credit_limit: string | null;
  available_credit_after: string | null;
  utilisation_after: string | null;
  overdue_amount: string;
  max_days_past_due: number;
  behaviour_class: string;
  customer_status: string;
  currency: string;
  data_as_of: { as_of_date: string; built_at: string; last_ingest_at: string | null; age_hours: number; is_stale: boolean };
  override: OverrideInfo | null;
  /** Until when the amount is reserved as a pending approval (ISO 8601 UTC); null when nothing is reserved. */
  reserved_until: string | null;
  /** What is reserved: the amount, or for an order already in the build only its increase; null when nothing. */
  reserved_amount: string | null;
  /** The order was in the build already (an open sales order, or billed): this amount replaces its unbilled amount. */
  order_known: boolean;
}

/** A check as logged; records written before reserved_amount and order_known existed lack them. */
export interface CheckRecord extends Omit<CheckAnswer, "reserved_amount" | "order_known"> {
  type: "check";
  reserved_amount?: string | null;
  order_known?: boolean;
}

/** An override of an earlier check, given afterwards (POST …/override). */
export interface OverrideRecord extends OverrideInfo {
  type: "override";
  check_id: string;
  customer_id: string;
  order_id: string | null;
  amount: string;
  reserved_until: string | null;
  reserved_amount?: string | null;
  order_known?: boolean;
}

export type LogRecord = CheckRecord | OverrideRecord;
