import { describe, expect, it } from "vitest";
import { forecastShare, median, medianModelTimes, parseModelTimes, slowestModels } from "../../bench/model-times.ts";

// As models/runner/build.ts logs a build, with the summary lines that must be skipped.
const LOG = [
  "building models as of 2026-06-30",
  "  staging.stg_invoices                       view  0.00 s",
  "  intermediate.int_month_end_aging           table 10.29 s",
  "  marts.fct_customer_payment_behaviour       table 20.12 s",
  "  intermediate.int_month_end_open_items      cached_view  3.15 s",
  "  intermediate.int_month_end_aging           written 1.50 s",
  "  marts.fct_customer_payment_behaviour       written 0.88 s",
  "built 4 models in 30.50 s",
  "    1-30         USD 41,466,259.13",
  "  Data tests           124 passed, 1 warnings",
].join("\n");

describe("parseModelTimes(log)", () => {
  it("reads each model line in build order, adds a table's writing to its computing, and skips every other line", () => {
    expect(parseModelTimes(LOG)).toEqual([
      { id: "staging.stg_invoices", materialized: "view", ms: 0 },
      { id: "intermediate.int_month_end_aging", materialized: "table", ms: 10290 + 1500 },
      { id: "marts.fct_customer_payment_behaviour", materialized: "table", ms: 20120 + 880 },
      { id: "intermediate.int_month_end_open_items", materialized: "cached_view", ms: 3150 },
    ]);
  });
});

describe("forecastShare(times, wallMs)", () => {
  it("is the forecast models' time over the rest of the build", () => {
    const times = [
      { id: "marts.rpt_cash_forecast_weeks", materialized: "table", ms: 4000 },
      { id: "intermediate.int_cash_forecast_delays", materialized: "table", ms: 1000 },
      { id: "marts.rpt_cash_forecast", materialized: "table", ms: 1000 },
      { id: "marts.fct_open_items", materialized: "table", ms: 9000 },
    ];
    // 6 s of forecast in a 30 s build: 6 / (30 - 6) = 25 %.
    expect(forecastShare(times, 30_000)).toEqual({ forecastMs: 6000, share: 0.25 });
  });
});

describe("slowestModels(times, n)", () => {
  it("puts the slowest first and keeps n", () => {
    expect(slowestModels(parseModelTimes(LOG), 2).map((m) => m.id)).toEqual([
      "marts.fct_customer_payment_behaviour",
      "intermediate.int_month_end_aging",
    ]);
  });
});

describe("median(values)", () => {
  it.each([
    [[], null],
    [[3], 3],
    [[5, 1, 3], 3],
    [[4, 1, 3, 2], 2.5],
  ])("of %j is %j", (values, expected) => {
    expect(median(values)).toBe(expected);
  });
});

describe("medianModelTimes(builds)", () => {
  it("takes each model's median over the builds it is in, slowest first", () => {
    const a = { id: "marts.a", materialized: "table" };
    const b = { id: "marts.b", materialized: "table" };
    const builds = [
      [{ ...a, ms: 100 }, { ...b, ms: 900 }],
      [{ ...a, ms: 300 }, { ...b, ms: 500 }],
      [{ ...a, ms: 200 }], // b missing: this build failed before it
    ];
    // a: median of 100, 300, 200 = 200; b: median of 900, 500 = 700.
    expect(medianModelTimes(builds)).toEqual([{ ...b, ms: 700 }, { ...a, ms: 200 }]);
  });
});
