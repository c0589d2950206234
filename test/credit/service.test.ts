// The credit service of issue 9 with a real credit log in a temp dir and a clock the test moves:
// pending approvals, serialised checks, release on ingest and expiry, overrides, replay after a
// restart, and a failed log write. Expected figures worked out by hand from the rules.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseConfig } from "../../core/config.ts";
import { CreditRequestError } from "../../credit/errors.ts";
import { CreditLog, readCreditLog } from "../../credit/log.ts";
import { CreditService, type CheckRequest } from "../../credit/service.ts";
import type { BuildStamp, CustomerStanding, KnownOrder, Standing } from "../../credit/standing.ts";
import { tempDir } from "../helpers/warehouse.ts";

const HOUR = 3_600_000;
const START = Date.parse("2026-12-01T12:00:00.000Z");

const BUILD: BuildStamp = {
  asOfDate: "2026-12-01",
  builtAt: "2026-12-01T06:00:00.000Z",
  lastIngestAt: "2026-12-01T05:55:00.000Z",
  currency: "USD",
  warnAt: "0.9000",
  maxDebtAgeDays: 180,
  graceDays: 0,
  holdDaysPastDue: 60,
};

function customer(id: string, over: Partial<CustomerStanding> = {}): CustomerStanding {
  return {
    customerId: id,
    customerName: `Customer ${id}`,
    team: null,
    collector: null,
    status: "active",
    creditLimit: 1_000_000n, // 10,000.00
    outstanding: 900_000n, // 9,000.00
    openOrders: 0n,
    overdue: 0n,
    maxDaysPastDue: 0,
    overduePastGrace: 0n,
    overduePastHold: 0n,
    overduePastMaxAge: 0n,
    behaviourClass: "prompt",
    ...over,
  };
}

function standing(customers: CustomerStanding[], orders: Record<string, KnownOrder> = {}, build: Partial<BuildStamp> = {}): Standing {
  return {
    build: { ...BUILD, ...build },
    customers: new Map(customers.map((c) => [c.customerId, c])),
    orders: new Map(Object.entries(orders)),
  };
}

/** A clock the test moves by hand. */
class Clock {
  ms = START;
  now = () => new Date(this.ms);
  advance(ms: number) {
    this.ms += ms;
  }
}

const opened: CreditLog[] = [];
afterEach(async () => {
  for (const log of opened.splice(0)) await log.close().catch(() => {});
});

async function setup(options: { customers?: CustomerStanding[]; orders?: Record<string, KnownOrder>; config?: Record<string, unknown>; dir?: string } = {}) {
  const dir = options.dir ?? tempDir("arwatch-credit-");
  const logFile = join(dir, "credit-log.jsonl");
  const log = await CreditLog.open(logFile);
  opened.push(log);
  const clock = new Clock();
  const config = parseConfig(options.config ?? {});
  const std = standing(options.customers ?? [customer("C1")], options.orders);
  const service = new CreditService({ config, standing: std, log, now: clock.now });
  return { dir, logFile, log, clock, config, service, standing: std };
}

const req = (amount: unknown, orderId: string | null = null, customerId = "C1"): CheckRequest => ({ customerId, amount, orderId, source: "api" });

async function rejection(p: Promise<unknown>): Promise<CreditRequestError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  if (!(e instanceof CreditRequestError)) throw new Error(`expected a CreditRequestError, got ${String(e)}`);
  return e;
}

describe("CreditService: pending approvals", () => {
  it("counts the first of two quick orders in the second's exposure", async () => {
    const { service } = await setup();
    // 9,000.00 outstanding; 600.00 → 9,600.00 (warn near the limit), then 500.00 → 10,100.00, over.
    const [a, b] = await Promise.all([service.check(req("600.00", "SO-1")), service.check(req("500.00", "SO-2"))]);
    expect(a.decision).toBe("warn");
    expect(a.may_proceed).toBe(true);
    expect(a.exposure).toEqual({ outstanding: "9000.00", open_orders: "0.00", pending_approvals: "0.00", this_order: "600.00", total_after: "9600.00" });
    expect(a.reserved_until).toBe(new Date(START + 72 * HOUR).toISOString());
    expect(b.exposure.pending_approvals).toBe("600.00");
    expect(b.exposure.total_after).toBe("10100.00");
    expect(b.decision).toBe("hold");
    expect(b.may_proceed).toBe(false);
    expect(b.reserved_until).toBeNull();
    expect(b.available_credit_after).toBe("-100.00");
  });

  it("reserves nothing for a held check: a third order that fits still fits", async () => {
    const { service } = await setup();
    await service.check(req("600.00")); // 9,600.00
    expect((await service.check(req("500.00"))).decision).toBe("hold"); // 10,100.00
    const c = await service.check(req("400.00")); // 9,000 + 600 + 400 = 10,000.00, exactly at the limit
    expect(c.exposure.pending_approvals).toBe("600.00");
    expect(c.exposure.total_after).toBe("10000.00");
    expect(c.decision).toBe("warn");
    expect(c.available_credit_after).toBe("0.00");
  });

  it("approves exactly the 25 of 50 concurrent 40.00 orders that fit in the last 1,000.00 of headroom", async () => {
    const { service, logFile } = await setup();
    const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => service.check(req("40.00", `SO-${i}`))));
    const proceeding = answers.filter((a) => a.may_proceed);
    // 25 × 40.00 = 1,000.00 takes exposure exactly to the limit (within it); a 26th would be 10,040.00.
    expect(proceeding).toHaveLength(25);
    expect(answers.slice(0, 25).every((a) => a.may_proceed)).toBe(true);
    expect(answers.slice(25).every((a) => a.decision === "hold" && !a.may_proceed)).toBe(true);
    expect(answers[24]!.exposure.total_after).toBe("10000.00");
    expect(answers[25]!.exposure.total_after).toBe("10040.00");
    const credit = service.customerCredit("C1");
    expect(credit.exposure.pending_approvals).toBe("1000.00");
    expect(credit.available_credit).toBe("0.00");
    // Every check, held or not, is in the log, once.
    const { records } = await readCreditLog(logFile);
    expect(new Set(records.map((r) => r.check_id)).size).toBe(50);
  });

  it("approves exactly the orders that fit when amounts differ (greedy in arrival order)", async () => {
    const { service } = await setup();
    // Headroom 1,000.00. 700 fits (700); 400 does not (1,100); 250 fits (950); 60 does not (1,010); 50 fits (1,000).
    const amounts = ["700.00", "400.00", "250.00", "60.00", "50.00", "0.01"];
    const answers = await Promise.all(amounts.map((amount) => service.check(req(amount))));
    expect(answers.map((a) => a.may_proceed)).toEqual([true, false, true, false, true, false]);
    expect(service.customerCredit("C1").exposure.pending_approvals).toBe("1000.00");
  });

  it("keeps other customers' reservations apart", async () => {
    const { service } = await setup({ customers: [customer("C1"), customer("C2")] });
    await service.check(req("900.00", null, "C1"));
    const other = await service.check(req("900.00", null, "C2"));
    expect(other.exposure.pending_approvals).toBe("0.00");
    expect(other.may_proceed).toBe(true);
  });

  it("ends a reservation when a new build knows its order (setStanding)", async () => {
    const { service } = await setup();
    await service.check(req("600.00", "SO-7"));
    await service.check(req("100.00")); // no order id: kept for the full period
    expect(service.customerCredit("C1").exposure.pending_approvals).toBe("700.00");
    // The next build brought SO-7 in as an open order of 600.00.
    const next = standing([customer("C1", { openOrders: 60_000n })], { "SO-7": { customerId: "C1", openUnbilled: 60_000n } });
    expect(service.setStanding(next)).toEqual({ released: 1 });
    const credit = service.customerCredit("C1");
    expect(credit.exposure.pending_approvals).toBe("100.00");
    expect(credit.exposure.open_orders).toBe("600.00");
    expect(credit.exposure.total).toBe("9700.00"); // counted once, not twice
  });

  it("ends a reservation when an invoice for the order is known (the order invoiced, not open)", async () => {
    const { service } = await setup();
    await service.check(req("600.00", "SO-8"));
    const next = standing([customer("C1", { outstanding: 960_000n })], { "SO-8": { customerId: "C1", openUnbilled: null } });
    expect(service.setStanding(next).released).toBe(1);
    expect(service.customerCredit("C1").exposure.total).toBe("9600.00");
  });

  it("ends a reservation after pendingHours (72), not before", async () => {
    const { service, clock } = await setup();
    await service.check(req("600.00", "SO-9"));
    clock.advance(72 * HOUR - 1);
    expect(service.customerCredit("C1").exposure.pending_approvals).toBe("600.00");
    expect((await service.check(req("500.00"))).decision).toBe("hold"); // 10,100.00
    clock.advance(1);
    expect(service.customerCredit("C1").exposure.pending_approvals).toBe("0.00");
    const later = await service.check(req("500.00"));
    expect(later.exposure.pending_approvals).toBe("0.00");
    expect(later.decision).toBe("warn"); // 9,500.00
  });

  it("uses the configured pendingHours", async () => {
    const { service, clock } = await setup({ config: { creditCheck: { pendingHours: 2 } } });
    const a = await service.check(req("600.00"));
    expect(a.reserved_until).toBe(new Date(START + 2 * HOUR).toISOString());
    clock.advance(2 * HOUR);
    expect(service.customerCredit("C1").exposure.pending_approvals).toBe("0.00");
  });

  it("replaces an order's reservation when the same order_id is checked again", async () => {
    const { service } = await setup();
    await service.check(req("300.00", "SO-1"));
    const again = await service.check(req("500.00", "SO-1"));
    // The order's earlier 300.00 is not counted against its own new amount.
    expect(again.exposure.pending_approvals).toBe("0.00");
    expect(again.exposure.total_after).toBe("9500.00");
    const credit = service.customerCredit("C1");
    expect(credit.exposure.pending_approvals).toBe("500.00");
    expect(credit.pending_approvals).toHaveLength(1);
    expect(credit.pending_approvals[0]).toMatchObject({ order_id: "SO-1", amount: "500.00" });
  });

  it("lets a re-check of an order already open in the warehouse replace its unbilled amount", async () => {
    const { service } = await setup({ customers: [customer("C1", { openOrders: 80_000n })], orders: { "SO-5": { customerId: "C1", openUnbilled: 80_000n } } });
    // 9,000.00 + 800.00 open: re-checking SO-5 at 900.00 is 9,000 + 0 + 900 = 9,900.00, not 10,700.00.
    const a = await service.check(req("900.00", "SO-5"));
    expect(a.exposure.open_orders).toBe("0.00");
    expect(a.exposure.total_after).toBe("9900.00");
    expect(a.may_proceed).toBe(true);
  });

  it("counts the increase of a re-checked open order against later orders until the next build", async () => {
    // Limit 10,000.00; 8,200.00 owed; SO-5 open for 800.00: headroom 1,000.00.
    const { service } = await setup({ customers: [customer("C1", { outstanding: 820_000n, openOrders: 80_000n })], orders: { "SO-5": { customerId: "C1", openUnbilled: 80_000n } } });
    // SO-5 grows to 1,800.00: 8,200 + 0 + 1,800 = 10,000.00, at the limit: may proceed.
    const grown = await service.check(req("1800.00", "SO-5"));
    expect(grown.exposure.total_after).toBe("10000.00");
    expect(grown.may_proceed).toBe(true);
    // The headroom is used up: a new order of 1,000.00 would take exposure to 11,000.00.
    const next = await service.check(req("1000.00", "SO-6"));
    expect(next.exposure.total_after).toBe("11000.00");
    expect(next.decision).toBe("hold");
  });

  it("refuses an order id that belongs to another customer", async () => {
    const { service } = await setup({ customers: [customer("C1"), customer("C2")], orders: { "SO-5": { customerId: "C2", openUnbilled: 1_000n } } });
    expect((await rejection(service.check(req("10.00", "SO-5")))).status).toBe(400);
  });
});

describe("CreditService: bad requests", () => {
  it("answers an unknown customer with 404 naming it, and a bad amount with 400", async () => {
    const { service, logFile } = await setup();
    const unknown = await rejection(service.check(req("10.00", null, "C404")));
    expect(unknown.status).toBe(404);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.message).toContain('"C404"');
    for (const amount of ["10.005", "-1", "0", "abc", Number.NaN, undefined]) {
      expect((await rejection(service.check(req(amount)))).status).toBe(400);
    }
    // Nothing is recorded for a request that was never decided.
    expect((await readCreditLog(logFile)).records).toEqual([]);
  });
});

describe("CreditService: overrides", () => {
  it("lets a named person override a hold with a reason; the decision stays hold and the amount is reserved", async () => {
    const { service, clock } = await setup();
    const held = await service.check(req("1500.00", "SO-1")); // 10,500.00
    expect(held.decision).toBe("hold");
    clock.advance(60_000);
    const o = await service.override(held.check_id, { by: "Somchai", reason: "paid by transfer this morning" });
    expect(o.decision).toBe("hold");
    expect(o.may_proceed).toBe(true);
    expect(o.override).toMatchObject({ by: "Somchai", reason: "paid by transfer this morning", at: new Date(START + 60_000).toISOString(), up_to_amount: null, until: null });
    expect(service.customerCredit("C1").exposure.pending_approvals).toBe("1500.00");
    expect((await rejection(service.override(held.check_id, { by: "X", reason: "again" }))).status).toBe(409);
  });

  it("lets an override come with the check itself", async () => {
    const { service } = await setup();
    const a = await service.check({ ...req("1500.00"), override: { by: "Somchai", reason: "director approved" } });
    expect(a.decision).toBe("hold");
    expect(a.may_proceed).toBe(true);
    expect(a.override?.by).toBe("Somchai");
    expect(a.reserved_until).not.toBeNull();
  });

  it("requires a name and a reason", async () => {
    const { service } = await setup();
    const held = await service.check(req("1500.00"));
    expect((await rejection(service.override(held.check_id, { by: "", reason: "x" }))).status).toBe(400);
    expect((await rejection(service.override(held.check_id, { by: "Somchai", reason: "  " }))).status).toBe(400);
  });

  it("refuses to override a block (403)", async () => {
    const { service } = await setup({ customers: [customer("C1", { status: "blocked" })] });
    const blocked = await service.check(req("10.00"));
    expect(blocked.decision).toBe("block");
    expect(blocked.may_proceed).toBe(false);
    const e = await rejection(service.override(blocked.check_id, { by: "Somchai", reason: "please" }));
    expect(e.status).toBe(403);
    expect(service.customerCredit("C1").exposure.pending_approvals).toBe("0.00");
    // Given with the check, an override of a block is not applied either.
    const withOverride = await service.check({ ...req("10.00"), override: { by: "Somchai", reason: "please" } });
    expect(withOverride.may_proceed).toBe(false);
    expect(withOverride.override).toBeNull();
  });

  it("overrides a block when creditCheck.allowBlockOverride is on", async () => {
    const { service } = await setup({ customers: [customer("C1", { behaviourClass: "defaulting" })], config: { creditCheck: { allowBlockOverride: true } } });
    const blocked = await service.check(req("10.00"));
    expect(blocked.decision).toBe("block");
    const o = await service.override(blocked.check_id, { by: "CFO", reason: "cash in advance" });
    expect(o.may_proceed).toBe(true);
    expect(o.decision).toBe("block");
    expect(service.customerCredit("C1").exposure.pending_approvals).toBe("10.00");
  });

  it("has nothing to override on an approved check (409) and knows no unknown check (404)", async () => {
    const { service } = await setup();
    const ok = await service.check(req("10.00"));
    expect((await rejection(service.override(ok.check_id, { by: "A", reason: "B" }))).status).toBe(409);
    expect((await rejection(service.override("no-such-check", { by: "A", reason: "B" }))).status).toBe(404);
  });

  it("refuses to override a check older than pendingHours, live as after a restart (404: check again)", async () => {
    const { service, clock } = await setup();
    const held = await service.check(req("1500.00"));
    clock.advance(72 * HOUR + 1);
    expect((await rejection(service.override(held.check_id, { by: "Somchai", reason: "late" }))).status).toBe(404);
  });

  it("covers later holds within up_to_amount until the date, and not beyond either", async () => {
    const { service, clock } = await setup();
    const held = await service.check(req("1500.00")); // 10,500.00
    await service.override(held.check_id, { by: "Somchai", reason: "seasonal stock", upToAmount: "12000.00", until: "2026-12-05" });
    // 9,000 + 1,500 reserved + 1,000 = 11,500.00 ≤ 12,000.00: a hold, covered.
    const within = await service.check(req("1000.00"));
    expect(within.decision).toBe("hold");
    expect(within.may_proceed).toBe(true);
    expect(within.override).toMatchObject({ by: "Somchai", from_check_id: held.check_id, up_to_amount: "12000.00" });
    // 9,000 + 2,500 + 600 = 12,100.00 > 12,000.00: not covered.
    const beyond = await service.check(req("600.00"));
    expect(beyond.exposure.total_after).toBe("12100.00");
    expect(beyond.may_proceed).toBe(false);
    expect(beyond.override).toBeNull();
    // 9,000 + 2,500 + 500 = 12,000.00 exactly: covered.
    expect((await service.check(req("500.00"))).may_proceed).toBe(true);
    // The last moment of 2026-12-05 (UTC), the reservations long expired: 9,000 + 1,100 = 10,100.00, a hold, covered.
    clock.ms = Date.parse("2026-12-05T23:59:59.000Z");
    const lastDay = await service.check(req("1100.00"));
    expect(lastDay.exposure.pending_approvals).toBe("0.00");
    expect(lastDay.decision).toBe("hold");
    expect(lastDay.may_proceed).toBe(true);
    // The next day it is over.
    clock.ms = Date.parse("2026-12-06T00:00:01.000Z");
    const after = await service.check(req("1100.00"));
    expect(after.decision).toBe("hold");
    expect(after.may_proceed).toBe(false);
  });

  it("does not let a standing override cover a block", async () => {
    const { service, clock } = await setup({ customers: [customer("C1", { behaviourClass: "unstable" })] });
    // Unstable and within the limit: 9,500.00 warns. Over it, an unstable customer is blocked.
    const held = await service.check({ ...req("1500.00"), customerId: "C1" });
    expect(held.decision).toBe("block");
    clock.advance(1);
    expect((await rejection(service.override(held.check_id, { by: "A", reason: "B", upToAmount: "20000.00" }))).status).toBe(403);
    expect((await service.check(req("1200.00"))).may_proceed).toBe(false);
  });

  it("refuses an until already past and an up_to_amount that is not an amount", async () => {
    const { service } = await setup();
    const held = await service.check(req("1500.00"));
    expect((await rejection(service.override(held.check_id, { by: "A", reason: "B", until: "2026-11-30" }))).status).toBe(400);
    expect((await rejection(service.override(held.check_id, { by: "A", reason: "B", upToAmount: "12000.005" }))).status).toBe(400);
  });
});

describe("CreditService.replay(): a restart", () => {
  it("rebuilds reservations, overrides and standing overrides from the log", async () => {
    const first = await setup();
    const s = first.service;
    await s.check(req("300.00", "SO-1")); // reserved 300
    await s.check(req("200.00")); // reserved 200, no order
    const held = await s.check(req("1000.00", "SO-2")); // 9,000 + 500 + 1,000 = 10,500.00: hold
    expect(held.decision).toBe("hold");
    await s.override(held.check_id, { by: "Somchai", reason: "paid", upToAmount: "11000.00", until: "2026-12-03" });
    await s.check(req("400.00", "SO-1")); // re-check: SO-1 now 400
    const before = s.customerCredit("C1");
    expect(before.exposure.pending_approvals).toBe("1600.00"); // 400 + 200 + 1,000
    await first.log.close();

    // A new process: the same standing, the log read back, an hour later.
    const clock = new Clock();
    clock.advance(HOUR);
    const log = await CreditLog.open(first.logFile);
    opened.push(log);
    const restarted = new CreditService({ config: first.config, standing: first.standing, log, now: clock.now });
    const { records, unreadable } = await readCreditLog(first.logFile);
    expect(unreadable).toBe(0);
    expect(records.map((r) => r.type)).toEqual(["check", "check", "check", "override", "check"]);
    restarted.replay(records);
    const after = restarted.customerCredit("C1");
    expect(after.exposure.pending_approvals).toBe("1600.00");
    expect(after.pending_approvals.map((p) => `${p.order_id}:${p.amount}`).sort()).toEqual(["SO-1:400.00", "SO-2:1000.00", "null:200.00"].sort());
    // The override is remembered: overriding again is a conflict.
    expect((await rejection(restarted.override(held.check_id, { by: "X", reason: "Y" }))).status).toBe(409);
    // The standing override still covers: 9,000 + 1,600 + 300 = 10,900.00 ≤ 11,000.00.
    const covered = await restarted.check(req("300.00"));
    expect(covered.decision).toBe("hold");
    expect(covered.may_proceed).toBe(true);
    expect(covered.override?.from_check_id).toBe(held.check_id);
    // The reservations still end when they would have: 72 h after each check.
    clock.ms = START + 72 * HOUR;
    expect(restarted.customerCredit("C1").exposure.pending_approvals).toBe("300.00"); // only the check made after the restart
  });

  it("drops on replay the reservations of orders the current build knows", async () => {
    const first = await setup();
    await first.service.check(req("300.00", "SO-1"));
    await first.log.close();
    const next = standing([customer("C1", { openOrders: 30_000n })], { "SO-1": { customerId: "C1", openUnbilled: 30_000n } });
    const log = await CreditLog.open(first.logFile);
    opened.push(log);
    const restarted = new CreditService({ config: first.config, standing: next, log, now: new Clock().now });
    restarted.replay((await readCreditLog(first.logFile)).records);
    expect(restarted.customerCredit("C1").exposure.pending_approvals).toBe("0.00");
  });
});

describe("CreditService: a failed log write", () => {
  it("rejects the check and leaves no reservation", async () => {
    const { service, log, logFile } = await setup();
    await log.close();
    await expect(service.check(req("600.00", "SO-1"))).rejects.toThrow(/credit log/);
    expect(service.customerCredit("C1").exposure.pending_approvals).toBe("0.00");
    expect(readFileSync(logFile, "utf8")).toBe("");
  });

  it("leaves an earlier reservation of the same order as it was", async () => {
    const { service, log } = await setup();
    await service.check(req("300.00", "SO-1"));
    await log.close();
    await expect(service.check(req("500.00", "SO-1"))).rejects.toThrow(/credit log/);
    // The re-check never happened: SO-1 is still reserved at 300.00.
    const credit = service.customerCredit("C1");
    expect(credit.pending_approvals.map((p) => `${p.order_id}:${p.amount}`)).toEqual(["SO-1:300.00"]);
  });

  it("leaves no standing override behind when the override given with a check is not written", async () => {
    // At the limit: holds() lists the customer (any order takes it over).
    const { service, log } = await setup({ customers: [customer("C1", { outstanding: 1_000_000n })] });
    await log.close();
    await expect(service.check({ ...req("100.00"), override: { by: "A", reason: "B", upToAmount: "20000.00", until: "2026-12-10" } })).rejects.toThrow(/credit log/);
    const [row] = service.holds();
    expect(row).toMatchObject({ customer_id: "C1", decision: "hold" });
    expect(row!.override_until).toBeNull();
  });

  it("leaves no override behind when an override of an earlier hold is not written", async () => {
    const { service, log } = await setup({ customers: [customer("C1", { outstanding: 1_000_000n })] });
    const held = await service.check(req("100.00"));
    await log.close();
    await expect(service.override(held.check_id, { by: "A", reason: "B", upToAmount: "20000.00", until: "2026-12-10" })).rejects.toThrow(/credit log/);
    expect(service.customerCredit("C1").exposure.pending_approvals).toBe("0.00");
    expect(service.holds()[0]!.override_until).toBeNull();
  });
});
