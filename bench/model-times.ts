/**
 * The per-model times of a build, read from what `arwatch build` logs: one line per model,
 * `  <schema.model> <view|table|cached_view> <seconds> s` as it is computed, and for a table a
 * second, `  <schema.model> written <seconds> s`, as its rows are copied into the warehouse
 * (models/runner/build.ts): a model's time is the two together. Reading the log keeps the bench
 * measuring the real CLI in its own process, as a user runs it.
 */

export interface ModelTime {
  /** schema.model, e.g. marts.fct_customer_payment_behaviour */
  id: string;
  materialized: string;
  ms: number;
}

/** Issue 5: the full build at 100,000 customers / 1M documents must take under 15 s. */
export const TARGET_FULL_BUILD_S = 15;
export const TARGET_FULL_BUILD_INVOICES = 1_000_000;
export const TARGET_FULL_BUILD_CUSTOMERS = 100_000;

/** The three models the issue named as a third of the full build, always reported. */
export const WATCHED_MODELS = [
  "marts.fct_customer_payment_behaviour",
  "marts.rpt_credit_limit_advice",
  "marts.rpt_allowance_movement",
] as const;

const MODEL_LINE = /^\s+([a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*)\s+(view|table|cached_view|written)\s+(\d+(?:\.\d+)?) s\s*$/;

/** Every model line of a build log, in build order. Other lines (summary, warnings) are skipped. */
export function parseModelTimes(log: string): ModelTime[] {
  const times: ModelTime[] = [];
  for (const line of log.split("\n")) {
    const m = MODEL_LINE.exec(line);
    if (!m) continue;
    const ms = Math.round(Number(m[3]) * 1000);
    const computed = m[2] === "written" ? times.find((t) => t.id === m[1]) : undefined;
    if (computed) computed.ms += ms;
    else times.push({ id: m[1]!, materialized: m[2]!, ms });
  }
  return times;
}

/** Issue 11: the cash forecast and its back-test may add at most 25 % to the full build. */
export const FORECAST_MAX_SHARE = 0.25;

/** The models that exist only for the cash forecast (README: Cash forecast). */
export const FORECAST_MODELS = [
  "intermediate.int_cash_forecast_delays",
  "marts.rpt_cash_forecast_weeks",
  "marts.rpt_cash_forecast",
  "marts.rpt_cash_forecast_backtest",
] as const;

/**
 * What the cash forecast adds to one build: its models' time over the time of the rest of the
 * build (the wall time less theirs), e.g. 6 s of forecast in a 30 s build adds 6 / 24 = 25 %.
 */
export function forecastShare(times: readonly ModelTime[], wallMs: number): { forecastMs: number; share: number } {
  const forecastMs = times.filter((t) => (FORECAST_MODELS as readonly string[]).includes(t.id)).reduce((sum, t) => sum + t.ms, 0);
  return { forecastMs, share: forecastMs / (wallMs - forecastMs) };
}

/** The n slowest models, slowest first (ties by name, so that the order is stable). */
export function slowestModels(times: readonly ModelTime[], n: number): ModelTime[] {
  return [...times].sort((a, b) => b.ms - a.ms || a.id.localeCompare(b.id)).slice(0, n);
}

/** The median of some numbers (the mean of the middle two for an even count); null for none. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Per model, the median of its times over several builds of the same warehouse, slowest first.
 * A model missing from a build (it failed before reaching it) counts only the builds it is in.
 */
export function medianModelTimes(builds: readonly (readonly ModelTime[])[]): ModelTime[] {
  const byId = new Map<string, { materialized: string; ms: number[] }>();
  for (const build of builds) {
    for (const t of build) {
      const entry = byId.get(t.id) ?? { materialized: t.materialized, ms: [] };
      entry.ms.push(t.ms);
      byId.set(t.id, entry);
    }
  }
  const medians = [...byId].map(([id, e]) => ({ id, materialized: e.materialized, ms: median(e.ms)! }));
  return slowestModels(medians, medians.length);
}
