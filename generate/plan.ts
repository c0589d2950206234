import type { Warehouse } from "../core/warehouse.ts";
import { literal } from "../core/warehouse.ts";
import { currencyScale, type CurrencyScale } from "./currency.ts";
import type { GenerateOptions } from "./options.ts";

/** The shares the extract contract asks for, in one place so that the SQL reads as policy. */
export const MIX = {
  debitNotes: 0.02,
  creditNotes: 0.04,
  writeOffs: 0.01,
  /** Share of eligible invoices that may be written off at most, so that some stay open. */
  writeOffCeiling: 0.6,
  missingDueDate: 0.03,
  unappliedCredit: 0.15,
  /** Disputed invoices: paid months late once settled, never by a defaulting customer. */
  neverPaid: 0.05,
  unappliedCash: 0.02,
  noCreditLimit: 0.05,
  zeroCreditLimit: 0.01,
  limitHistory: 0.3,
  ordersPerCustomer: 1 / 3,
  attemptsPerOverdueInvoice: 0.25,
  /** Days past due after which a defaulting customer's unpaid invoice may be written off. */
  writeOffAfterDays: 120,
  /** A write-off is booked within this many days of becoming eligible. */
  writeOffWithinDays: 90,
} as const;

/**
 * Months of ledger before the reported window. A real ledger does not start empty on the first
 * month the reports show: these months give it open balances, ageing items and payment habits
 * there, so that the first months of the trends and the allowance look like the rest.
 */
export const WARM_UP_MONTHS = 12;

/** Everything the SQL steps need, resolved once: counts, dates and the currency's scale. */
export interface Plan extends CurrencyScale {
  seed: number;
  asOf: string;
  /** The day before the first document date, WARM_UP_MONTHS before the window: documents fall in (start, asOf]. */
  start: string;
  days: number;
  customers: number;
  /** Invoices and debit notes; credit notes and write-offs are derived from them. */
  baseDocs: number;
  creditNotes: number;
  writeOffTarget: number;
  currency: string;
}

/**
 * Resolves the plan; DuckDB does the calendar arithmetic (month ends, leap years). The ledger
 * covers the months asked for plus WARM_UP_MONTHS before them; the documents asked for are
 * spread over all of it.
 */
export async function resolvePlan(wh: Warehouse, options: GenerateOptions): Promise<Plan> {
  const span = options.months + WARM_UP_MONTHS;
  const [row] = await wh.all<{ start: string; days: number }>(
    `select (d - to_months(${span}))::DATE as start, (d - (d - to_months(${span}))::DATE)::INTEGER as days
       from (select ${literal(options.asOf)}::DATE as d)`,
  );
  const creditNotes = Math.round(options.invoices * MIX.creditNotes);
  const writeOffTarget = Math.round(options.invoices * MIX.writeOffs);
  return {
    ...currencyScale(options.currency),
    seed: options.seed,
    asOf: options.asOf,
    start: row!.start,
    days: row!.days,
    customers: options.customers,
    baseDocs: Math.max(1, options.invoices - creditNotes - writeOffTarget),
    creditNotes,
    writeOffTarget,
    currency: options.currency,
  };
}

/** The as-of date as a SQL DATE literal. */
export function asOfSql(plan: Plan): string {
  return `DATE ${literal(plan.asOf)}`;
}

/** Rounds a USD-like double expression to a currency amount, as DECIMAL so that sums are exact. */
export function money(plan: Plan, usdExpression: string): string {
  return `round((${usdExpression}) * ${plan.scale}, ${plan.digits})::DECIMAL(18,2)`;
}

/** Rounds a positive double expression to two significant digits, as people set credit limits. */
export function twoSignificant(expression: string): string {
  const unit = `pow(10, floor(log10(${expression})) - 1)`;
  return `(round((${expression}) / ${unit}) * ${unit})::DECIMAL(18,2)`;
}
