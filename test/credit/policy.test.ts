// The credit policy of issue 9, case by case at every boundary. Expected decisions come from the
// issue's table (README: Credit check), not from what assess() prints: customers and builds are
// built by hand, money in cents.
import { describe, expect, it } from "vitest";
import { parseConfig, type Config } from "../../core/config.ts";
import { assess, policySettings, type Assessment } from "../../credit/policy.ts";
import type { BuildStamp, CustomerStanding } from "../../credit/standing.ts";

const BUILD: BuildStamp = {
  asOfDate: "2026-11-30",
  builtAt: "2026-11-30T06:00:00.000Z",
  lastIngestAt: "2026-11-30T05:50:00.000Z",
  currency: "USD",
  warnAt: "0.9000",
  maxDebtAgeDays: 180,
  graceDays: 0,
  holdDaysPastDue: 60,
};
/** Six hours after the build: fresh. */
const NOW = new Date("2026-11-30T12:00:00.000Z");

function customer(over: Partial<CustomerStanding> = {}): CustomerStanding {
  return {
    customerId: "C1",
    customerName: "Kim Long Trading",
    team: "North",
    collector: "Lan",
    status: "active",
    creditLimit: 1_000_000n, // 10,000.00
    outstanding: 600_000n, // 6,000.00
    openOrders: 100_000n, // 1,000.00
    overdue: 0n,
    maxDaysPastDue: 0,
    overduePastGrace: 0n,
    overduePastHold: 0n,
    overduePastMaxAge: 0n,
    behaviourClass: "prompt",
    ...over,
  };
}

interface Case {
  customer?: Partial<CustomerStanding>;
  build?: Partial<BuildStamp>;
  config?: Record<string, unknown>;
  openOrders?: bigint;
  pending?: bigint;
  order: bigint;
  now?: Date;
}

function decide(c: Case): Assessment {
  const build = { ...BUILD, ...c.build };
  const config: Config = parseConfig(c.config ?? {});
  const cust = customer(c.customer);
  return assess(cust, { openOrders: c.openOrders ?? cust.openOrders, pendingApprovals: c.pending ?? 50_000n, thisOrder: c.order }, policySettings(config, build), build, c.now ?? NOW);
}
const codes = (a: Assessment) => a.reasons.map((r) => r.code);

describe("assess(): the credit limit", () => {
  // Outstanding 6,000.00 + open orders 1,000.00 + pending 500.00 = 7,500.00 before the order.
  it("keeps exposure exactly at the limit within it (warn near the limit at warnAt 0.9)", () => {
    const a = decide({ order: 250_000n }); // 7,500.00 + 2,500.00 = 10,000.00
    expect(a.exposure).toEqual({ outstanding: 600_000n, openOrders: 100_000n, pendingApprovals: 50_000n, thisOrder: 250_000n, totalAfter: 1_000_000n });
    expect(a.decision).toBe("warn");
    expect(codes(a)).toEqual(["near_limit"]);
    expect(a.availableCreditAfter).toBe(0n);
    expect(a.utilisationAfter).toBe("1.0000");
  });

  it("approves exposure exactly at the limit when warnAt is above 1", () => {
    const a = decide({ order: 250_000n, build: { warnAt: "1.5000" } });
    expect(a.decision).toBe("approve");
    expect(a.reasons).toEqual([]);
  });

  it("warns exactly at the limit when warnAt is 1 (at or above warnAt)", () => {
    expect(decide({ order: 250_000n, build: { warnAt: "1.0000" } }).decision).toBe("warn");
  });

  it("holds one cent over the limit", () => {
    const a = decide({ order: 250_001n }); // 10,000.01
    expect(a.decision).toBe("hold");
    expect(codes(a)).toContain("over_limit");
    expect(a.reasons.find((r) => r.code === "over_limit")!.level).toBe("hold");
    expect(a.availableCreditAfter).toBe(-1n);
    expect(a.exposure.totalAfter).toBe(1_000_001n);
  });

  it("holds one cent over the limit even when warnAt is above 1", () => {
    expect(decide({ order: 250_001n, build: { warnAt: "1.5000" } }).decision).toBe("hold");
  });

  it("counts every part of exposure: outstanding + open orders + pending approvals + this order", () => {
    // 6,000.00 + 2,000.00 + 1,999.99 + 0.01 = 10,000.00 (at the limit); one more cent pending is over.
    expect(decide({ openOrders: 200_000n, pending: 199_999n, order: 1n }).decision).toBe("warn");
    expect(decide({ openOrders: 200_000n, pending: 200_000n, order: 1n }).decision).toBe("hold");
  });

  it("nets unapplied cash in outstanding against the limit", () => {
    // A credit balance of -500.00: -500.00 + 1,000.00 + 500.00 + 9,000.00 = 10,000.00, at the limit.
    expect(decide({ customer: { outstanding: -50_000n }, order: 900_000n }).decision).toBe("warn");
    expect(decide({ customer: { outstanding: -50_000n }, order: 900_001n }).decision).toBe("hold");
  });
});

describe("assess(): utilisation against creditStatus.warnAt", () => {
  it("warns with utilisation exactly at warnAt (9,000.00 of 10,000.00 at 0.9)", () => {
    const a = decide({ order: 150_000n }); // 7,500.00 + 1,500.00
    expect(a.decision).toBe("warn");
    expect(codes(a)).toEqual(["near_limit"]);
    expect(a.utilisationAfter).toBe("0.9000");
    expect(a.availableCreditAfter).toBe(100_000n);
  });

  it("approves one cent below warnAt (8,999.99 of 10,000.00)", () => {
    const a = decide({ order: 149_999n });
    expect(a.decision).toBe("approve");
    expect(a.reasons).toEqual([]);
    // 8,999.99 ÷ 10,000.00 = 0.899999 → 0.9000 at four decimals; the decision is on exact cents.
    expect(a.utilisationAfter).toBe("0.9000");
  });

  it("compares exactly where warnAt × limit is not a whole cent (0.9 × 333.33 = 299.997)", () => {
    const tight = { customer: { creditLimit: 33_333n, outstanding: 0n, openOrders: 0n }, pending: 0n };
    expect(decide({ ...tight, order: 29_999n }).decision).toBe("approve"); // 299.99 < 299.997
    expect(decide({ ...tight, order: 30_000n }).decision).toBe("warn"); // 300.00 ≥ 299.997
  });
});

describe("assess(): no limit, limit 0", () => {
  it("warns when no credit limit is set", () => {
    const a = decide({ customer: { creditLimit: null }, order: 100n });
    expect(a.decision).toBe("warn");
    expect(codes(a)).toEqual(["no_limit"]);
    expect(a.creditLimit).toBeNull();
    expect(a.availableCreditAfter).toBeNull();
    expect(a.utilisationAfter).toBeNull();
  });

  it("does not hold a customer without a limit however large the order", () => {
    expect(decide({ customer: { creditLimit: null }, order: 99_999_999_999n }).decision).toBe("warn");
  });

  it("holds any order on a limit of 0 (0 is a limit, not 'no limit')", () => {
    const a = decide({ customer: { creditLimit: 0n, outstanding: 0n, openOrders: 0n }, pending: 0n, order: 1n });
    expect(a.decision).toBe("hold");
    expect(codes(a)).toContain("over_limit");
    expect(codes(a)).not.toContain("no_limit");
    expect(a.availableCreditAfter).toBe(-1n);
    expect(a.utilisationAfter).toBeNull();
  });
});

describe("assess(): days past due (overduePastHold as the mart sums it: days_past_due > holdDaysPastDue)", () => {
  // 500.00 owed: on day 60 it counts past grace (0) only; on day 61 past the hold too.
  const day60 = { overdue: 50_000n, maxDaysPastDue: 60, overduePastGrace: 50_000n, overduePastHold: 0n };
  const day61 = { overdue: 50_000n, maxDaysPastDue: 61, overduePastGrace: 50_000n, overduePastHold: 50_000n };

  it("warns (overdue) but does not hold on day 60", () => {
    const a = decide({ customer: day60, order: 10_000n });
    expect(a.decision).toBe("warn");
    expect(codes(a)).toEqual(["overdue"]);
  });

  it("holds on day 61", () => {
    const a = decide({ customer: day61, order: 10_000n });
    expect(a.decision).toBe("hold");
    expect(codes(a)).toEqual(["days_past_due", "overdue"]);
    expect(a.reasons[0]!.level).toBe("hold");
  });

  it("does not hold for an amount that late below minOverdueAmount (0.99 of 1.00)", () => {
    const a = decide({ customer: { overdue: 99n, maxDaysPastDue: 61, overduePastGrace: 99n, overduePastHold: 99n }, order: 10_000n });
    expect(a.decision).not.toBe("hold");
    expect(codes(a)).not.toContain("days_past_due");
  });

  it("holds for an amount that late exactly at minOverdueAmount (1.00)", () => {
    const a = decide({ customer: { overdue: 100n, maxDaysPastDue: 61, overduePastGrace: 100n, overduePastHold: 100n }, order: 10_000n });
    expect(a.decision).toBe("hold");
    expect(codes(a)).toContain("days_past_due");
  });

  it("uses the configured minOverdueAmount (25.00): 24.99 passes, 25.00 holds", () => {
    const config = { creditCheck: { minOverdueAmount: 25 } };
    const late = (cents: bigint) => ({ overdue: cents, maxDaysPastDue: 90, overduePastGrace: cents, overduePastHold: cents });
    expect(decide({ config, customer: late(2_499n), order: 10_000n }).decision).toBe("approve");
    expect(decide({ config, customer: late(2_500n), order: 10_000n }).decision).toBe("hold");
  });

  it("warns for anything overdue beyond graceDays (grace 0: one day late is overdue)", () => {
    const a = decide({ customer: { overdue: 1_000n, maxDaysPastDue: 1, overduePastGrace: 1_000n }, order: 10_000n });
    expect(a.decision).toBe("warn");
    expect(codes(a)).toEqual(["overdue"]);
  });

  it("does not warn for an amount within graceDays (the mart's overduePastGrace is 0 then)", () => {
    const a = decide({ build: { graceDays: 10 }, customer: { overdue: 1_000n, maxDaysPastDue: 10, overduePastGrace: 0n }, order: 10_000n });
    expect(a.decision).toBe("approve");
  });
});

describe("assess(): stale data (the build finished more than maxDataAgeHours ago)", () => {
  const at = (ms: number) => new Date(Date.parse(BUILD.builtAt) + ms);
  const HOUR = 3_600_000;

  it("is not stale exactly maxDataAgeHours (36) after the build", () => {
    const a = decide({ order: 10_000n, now: at(36 * HOUR) });
    expect(a.isStale).toBe(false);
    expect(a.decision).toBe("approve");
  });

  it("is stale one second past maxDataAgeHours: warn", () => {
    const a = decide({ order: 10_000n, now: at(36 * HOUR + 1_000) });
    expect(a.isStale).toBe(true);
    expect(a.decision).toBe("warn");
    expect(codes(a)).toEqual(["stale_data"]);
  });

  it("is stale one minute past maxDataAgeHours: warn", () => {
    const a = decide({ order: 10_000n, now: at(36 * HOUR + 60_000) });
    expect(a.isStale).toBe(true);
    expect(codes(a)).toEqual(["stale_data"]);
  });

  it("is stale an hour past maxDataAgeHours: warn; with staleData: hold, hold", () => {
    expect(decide({ order: 10_000n, now: at(37 * HOUR) }).decision).toBe("warn");
    const held = decide({ order: 10_000n, now: at(37 * HOUR), config: { creditCheck: { staleData: "hold" } } });
    expect(held.decision).toBe("hold");
    expect(held.reasons).toMatchObject([{ code: "stale_data", level: "hold" }]);
  });

  it("holds one second past maxDataAgeHours with staleData: hold", () => {
    const a = decide({ order: 10_000n, now: at(36 * HOUR + 1_000), config: { creditCheck: { staleData: "hold" } } });
    expect(a.decision).toBe("hold");
  });

  it("uses the configured maxDataAgeHours (12): 12 h is fresh, 13 h stale", () => {
    const config = { creditCheck: { maxDataAgeHours: 12 } };
    expect(decide({ order: 10_000n, now: at(12 * HOUR), config }).isStale).toBe(false);
    expect(decide({ order: 10_000n, now: at(13 * HOUR), config }).isStale).toBe(true);
  });
});

describe("assess(): blocks", () => {
  it("blocks a customer blocked in the extract, whatever the order", () => {
    const a = decide({ customer: { status: "blocked" }, order: 1n });
    expect(a.decision).toBe("block");
    expect(codes(a)).toEqual(["customer_blocked"]);
  });

  it("blocks bad debt: at least minOverdueAmount owed more than badDebt.maxDebtAgeDays past due", () => {
    const a = decide({ customer: { overdue: 100n, maxDaysPastDue: 181, overduePastGrace: 100n, overduePastHold: 100n, overduePastMaxAge: 100n }, order: 1n });
    expect(a.decision).toBe("block");
    expect(codes(a)).toEqual(["bad_debt", "days_past_due", "overdue"]);
  });

  it("blocks a defaulting customer", () => {
    const a = decide({ customer: { behaviourClass: "defaulting" }, order: 1n });
    expect(a.decision).toBe("block");
    expect(codes(a)).toEqual(["defaulting"]);
  });

  it("does not block an unstable customer within its limit (exactly at it)", () => {
    const a = decide({ customer: { behaviourClass: "unstable" }, order: 250_000n }); // 10,000.00
    expect(a.decision).toBe("warn");
    expect(codes(a)).toEqual(["near_limit"]);
  });

  it("blocks an unstable customer whose order takes it one cent over its limit", () => {
    const a = decide({ customer: { behaviourClass: "unstable" }, order: 250_001n });
    expect(a.decision).toBe("block");
    expect(codes(a)).toEqual(["unstable_over_limit", "over_limit"]);
  });

  it("holds, not blocks, a slow or prompt customer one cent over", () => {
    expect(decide({ customer: { behaviourClass: "slow" }, order: 250_001n }).decision).toBe("hold");
    expect(decide({ customer: { behaviourClass: "no_history" }, order: 250_001n }).decision).toBe("hold");
  });
});

describe("assess(): several reasons together", () => {
  it("decides the worst and lists every reason, most severe first", () => {
    const a = decide({
      customer: { status: "blocked", creditLimit: 1_000_000n, overdue: 50_000n, maxDaysPastDue: 75, overduePastGrace: 50_000n, overduePastHold: 50_000n },
      order: 300_000n, // 7,500.00 + 3,000.00 = 10,500.00, over
      now: new Date(Date.parse(BUILD.builtAt) + 40 * 3_600_000),
    });
    expect(a.decision).toBe("block");
    expect(codes(a).sort()).toEqual(["customer_blocked", "days_past_due", "over_limit", "overdue", "stale_data"].sort());
    const levels = a.reasons.map((r) => r.level);
    expect(levels).toEqual(["block", "hold", "hold", "warn", "warn"]);
    for (const r of a.reasons) expect(r.message.length).toBeGreaterThan(10);
  });

  it("a warn and a hold give a hold with both listed", () => {
    const a = decide({ customer: { creditLimit: null, overdue: 50_000n, maxDaysPastDue: 61, overduePastGrace: 50_000n, overduePastHold: 50_000n }, order: 1n });
    expect(a.decision).toBe("hold");
    expect(codes(a).sort()).toEqual(["days_past_due", "no_limit", "overdue"]);
  });

  it("two warnings stay a warning", () => {
    const a = decide({ customer: { overdue: 1_000n, maxDaysPastDue: 5, overduePastGrace: 1_000n }, order: 150_000n });
    expect(a.decision).toBe("warn");
    expect(codes(a).sort()).toEqual(["near_limit", "overdue"]);
  });
});

describe("policySettings()", () => {
  it("reads warnAt exactly as basis points and minOverdueAmount as cents", () => {
    const s = policySettings(parseConfig({ creditCheck: { minOverdueAmount: 12.5 } }), { ...BUILD, warnAt: "0.8750" });
    expect(s.warnAtBasisPoints).toBe(8_750n);
    expect(s.minOverdue).toBe(1_250n);
    expect(s.holdDaysPastDue).toBe(60);
    expect(s.maxDataAgeHours).toBe(36);
  });
});
