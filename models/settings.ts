import type { Config } from "../core/config.ts";
import { minorUnits } from "../core/money.ts";
import type { ParamTable, ParamValue } from "./runner/params.ts";

/**
 * What arwatch's models read from the configuration, as build parameters: one row of
 * meta.build_params and the configured loss rates in meta.build_loss_rates. The runner writes
 * them without knowing what they mean; the models and rpt_build_info read them.
 */
export function modelSettings(config: Config): { params: Record<string, ParamValue>; paramTables: Record<string, ParamTable> } {
  const { aging, badDebt, creditStatus, history, expectedLoss, creditCheck, forecast } = config;
  return {
    params: {
      currency: config.currency,
      // Converted amounts are rounded to the functional currency's minor units (VND 0, USD 2).
      functional_minor_units: { type: "INTEGER", value: minorUnits(config.currency) },
      fx_max_rate_age_days: { type: "INTEGER", value: config.fx.maxRateAgeDays },
      fx_rate_date_basis: config.fx.rateDate,
      // as_named or fifo: how unapplied cash and credits are aged (README: Allocation).
      allocation: config.allocation,
      // Whether any payment or credit may be allocated FIFO: the top-level setting or a source's.
      any_fifo: config.allocation === "fifo" || config.sources.some((s) => s.allocation === "fifo"),
      aging_basis: aging.basis,
      bucket_bounds: { type: "INTEGER[]", value: [...aging.buckets] },
      max_debt_age_days: { type: "INTEGER", value: badDebt.maxDebtAgeDays },
      warn_at: { type: "DECIMAL(9,4)", value: String(creditStatus.warnAt) },
      history_months: { type: "INTEGER", value: history.months },
      ecl_method: expectedLoss.method,
      ecl_lookback_months: { type: "INTEGER", value: expectedLoss.lookbackMonths },
      ecl_segment_by: expectedLoss.segmentBy,
      ecl_forward_factor: { type: "DECIMAL(9,4)", value: String(expectedLoss.forwardLookingFactor) },
      // Null: no default definition, the roll chain ends in write-offs (README: Expected credit loss).
      ecl_default_after_days: { type: "INTEGER", value: expectedLoss.defaultAfterDays ?? null },
      ecl_loss_given_default: { type: "DECIMAL(9,4)", value: String(expectedLoss.lossGivenDefault) },
      // The credit check's day counts: its standing mart sums what is that late (README: Credit check).
      credit_grace_days: { type: "INTEGER", value: creditCheck.graceDays },
      credit_hold_days_past_due: { type: "INTEGER", value: creditCheck.holdDaysPastDue },
      // The cash forecast's horizon, delay history and whether open orders count (README: Cash forecast).
      forecast_weeks: { type: "INTEGER", value: forecast.weeks },
      forecast_lookback_months: { type: "INTEGER", value: forecast.lookbackMonths },
      forecast_include_open_orders: { type: "BOOLEAN", value: forecast.includeOpenOrders },
    },
    paramTables: {
      // The sources whose allocation is set (README: Allocation); a row loaded by one of them
      // (meta.load_log.source) is allocated so, any other as the top-level allocation says.
      source_allocations: {
        columns: { source: "VARCHAR", allocation: "VARCHAR" },
        rows: config.sources.flatMap((s) => (s.allocation ? [{ source: s.name, allocation: s.allocation }] : [])),
      },
      // Every ISO 4217 currency with its minor units, for amounts converted into a currency other
      // than the functional one (README: Several currencies).
      currencies: {
        columns: { currency: "VARCHAR", minor_units: "INTEGER" },
        rows: Intl.supportedValuesOf("currency").map((currency) => ({ currency, minor_units: minorUnits(currency) })),
      },
      // Loss rates that finance sets (method: matrix), one row per bucket label.
      loss_rates: {
        columns: { aging_bucket: "VARCHAR", loss_rate: "DECIMAL(9,6)" },
        rows: Object.entries(expectedLoss.lossRates).map(([aging_bucket, rate]) => ({ aging_bucket, loss_rate: String(rate) })),
      },
    },
  };
}
