// The credit check in memory: the standing of the last build, the pending approvals and the
// overrides, and the log every decision is written to before it is answered. Deciding and
// reserving happen in one synchronous step, so checks of one customer are serialised by the event
// loop itself: two quick orders cannot both read the same headroom.
import { randomUUID } from "node:crypto";
import type { Config } from "../core/config.ts";
import { centsOf, decimalText, parseOrderAmount } from "./cents.ts";
import { CreditRequestError } from "./errors.ts";
import type { CreditLog } from "./log.ts";
import { assess, policySettings, type Assessment, type Decision, type PolicySettings } from "./policy.ts";
import type { CheckAnswer, CheckRecord, LogRecord, OverrideInfo, OverrideRecord } from "./records.ts";
import { Reservations, type Reservation } from "./reservations.ts";
import type { CustomerStanding, Standing } from "./standing.ts";

export interface CheckRequest {
  customerId: string;
  amount: unknown;
  orderId?: string | null;
  source: "cli" | "api";
  /** An override given with the check itself (`arwatch check --override --by … --reason …`). */
  override?: OverrideRequest;
}

export interface OverrideRequest {
  by: unknown;
  reason: unknown;
  upToAmount?: unknown;
  until?: unknown;
}

export interface ServiceOptions {
  config: Config;
  standing: Standing;
  log: CreditLog;
  now?: () => Date;
  newId?: () => string;
}

interface StandingOverride {
  info: OverrideInfo;
  checkId: string;
  upTo: bigint;
  until: number;
}

const TEXT_MAX = 1000;

function requiredText(value: unknown, name: string): string {
  if (typeof value !== "string" || value.trim() === "") throw new CreditRequestError(400, `${name} is required (a name or text)`);
  if (value.length > TEXT_MAX) throw new CreditRequestError(400, `${name} is longer than ${TEXT_MAX} characters`);
  return value.trim();
}

function optionalId(value: unknown, name: string): string | null {
  if (value === undefined || value === null || value === "") return null;
  if (typeof value !== "string" && typeof value !== "number") throw new CreditRequestError(400, `${name} must be text`);
  const text = String(value).trim();
  if (text.length > 200) throw new CreditRequestError(400, `${name} is longer than 200 characters`);
  return text === "" ? null : text;
}

export class CreditService {
  private standingNow: Standing;
  private settingsNow: PolicySettings;
  private readonly reservations = new Reservations();
  /** Recent checks by id, for overrides: only those younger than pendingHours may be overridden. */
  private readonly checks = new Map<string, CheckAnswer>();
  private readonly standingOverrides = new Map<string, StandingOverride[]>();
  private readonly now: () => Date;
  private readonly newId: () => string;
  private readonly config: Config;
  private readonly log: CreditLog;

  constructor(options: ServiceOptions) {
    this.config = options.config;
    this.log = options.log;
    this.now = options.now ?? (() => new Date());
    this.newId = options.newId ?? randomUUID;
    this.standingNow = options.standing;
    this.settingsNow = policySettings(options.config, options.standing.build);
  }

  get standing(): Standing {
    return this.standingNow;
  }

  private get pendingMs(): number {
    return this.config.creditCheck.pendingHours * 3_600_000;
  }

  /** Rebuilds reservations, overrides and recent checks from the log (at start, before any request). */
  replay(records: readonly LogRecord[]): void {
    const now = this.now().getTime();
    for (const r of records) {
      if (r.type === "check") {
        const { type: _type, ...logged } = r;
        const answer: CheckAnswer = { ...logged, reserved_amount: logged.reserved_amount ?? (logged.reserved_until ? logged.amount : null), order_known: logged.order_known ?? false };
        if (Date.parse(answer.checked_at) + this.pendingMs > now) this.checks.set(answer.check_id, answer);
        if (answer.reserved_until) {
          this.reserveFromLog(answer.check_id, answer.customer_id, answer.order_id, answer.reserved_amount ?? answer.amount, answer.reserved_until, answer.checked_at, answer.order_known);
        }
        if (answer.override && !answer.override.from_check_id) this.addStandingOverride(answer.check_id, answer.customer_id, answer.override);
      } else {
        const { type: _type, check_id, customer_id, order_id, amount, reserved_until, reserved_amount, order_known, ...info } = r;
        const earlier = this.checks.get(check_id);
        if (earlier) this.checks.set(check_id, { ...earlier, override: info, may_proceed: true, reserved_until, reserved_amount: reserved_amount ?? (reserved_until ? amount : null) });
        if (reserved_until) this.reserveFromLog(check_id, customer_id, order_id, reserved_amount ?? amount, reserved_until, info.at, order_known);
        this.addStandingOverride(check_id, customer_id, info);
      }
    }
    this.releaseKnownOrders();
  }

  private releaseKnownOrders(): number {
    const standing = this.standingNow;
    return this.reservations.releaseKnown((id) => standing.orders.has(id), Date.parse(standing.build.builtAt));
  }

  /** Swaps in a new build's standing; reservations of orders it brought in end. */
  setStanding(standing: Standing): { released: number } {
    this.standingNow = standing;
    this.settingsNow = policySettings(this.config, standing.build);
    return { released: this.releaseKnownOrders() };
  }

  private reserveFromLog(checkId: string, customerId: string, orderId: string | null, amount: string, until: string, madeAt: string, orderWasKnown: boolean | undefined): void {
    const cents = centsOf(amount);
    if (cents === null || cents <= 0n || Date.parse(until) <= this.now().getTime()) return;
    this.reservations.add({ checkId, customerId, orderId, cents, until: Date.parse(until), madeAt: Date.parse(madeAt), orderWasKnown: orderWasKnown ?? false });
  }

  /**
   * Reserves what a check that may proceed adds to the exposure: its amount, or for an order already
   * in the build only its increase over the unbilled amount there. Returns the fields for the answer.
   */
  private reserveFor(checkId: string, customerId: string, orderId: string | null, amount: bigint, at: Date): Reserved {
    const known = orderId !== null ? this.standingNow.orders.get(orderId) : undefined;
    const cents = known ? amount - (known.openUnbilled ?? 0n) : amount;
    if (cents <= 0n) return { reservation: null, replaced: undefined, reserved_until: null, reserved_amount: null };
    const reservation: Reservation = { checkId, customerId, orderId, cents, until: at.getTime() + this.pendingMs, madeAt: at.getTime(), orderWasKnown: known !== undefined };
    const replaced = this.reservations.add(reservation);
    return { reservation, replaced, reserved_until: new Date(reservation.until).toISOString(), reserved_amount: decimalText(cents) };
  }

  /** Undoes a reservation whose check could not be logged. */
  private unreserve(reserved: Reserved): void {
    if (reserved.reservation) this.reservations.remove(reserved.reservation, reserved.replaced);
  }

  private addStandingOverride(checkId: string, customerId: string, info: OverrideInfo): void {
    if (info.up_to_amount === null || info.until === null) return;
    const upTo = parseOrderAmount(info.up_to_amount);
    if (!("cents" in upTo)) return;
    const list = this.standingOverrides.get(customerId) ?? [];
    list.push({ info, checkId, upTo: upTo.cents, until: Date.parse(info.until) });
    this.standingOverrides.set(customerId, list);
  }

  private customer(customerId: unknown): CustomerStanding {
    if (typeof customerId !== "string" && typeof customerId !== "number") throw new CreditRequestError(400, "customer_id is required");
    const id = String(customerId).trim();
    if (id === "") throw new CreditRequestError(400, "customer_id is required");
    const customer = this.standingNow.customers.get(id);
    if (!customer) {
      throw new CreditRequestError(404, `unknown customer ${JSON.stringify(id.slice(0, 200))}: not in the build of ${this.standingNow.build.asOfDate} (a new customer needs an ingest and a build first)`);
    }
    return customer;
  }

  private mayOverride(decision: Decision): boolean {
    return decision === "hold" || (decision === "block" && this.config.creditCheck.allowBlockOverride);
  }

  /** The customer's exposure parts for an order, and the assessment. */
  private assessOrder(customer: CustomerStanding, orderId: string | null, thisOrder: bigint, at: Date, anyOrder = false): Assessment {
    const known = orderId !== null ? this.standingNow.orders.get(orderId) : undefined;
    if (known && known.customerId !== customer.customerId) {
      throw new CreditRequestError(400, `order ${JSON.stringify(orderId)} belongs to customer ${JSON.stringify(known.customerId)}, not ${JSON.stringify(customer.customerId)}`);
    }
    // A re-check of an open order already in the warehouse: this amount replaces its unbilled amount.
    const openOrders = customer.openOrders - (known?.openUnbilled ?? 0n);
    const pendingApprovals = this.reservations.pendingFor(customer.customerId, at.getTime(), orderId);
    return assess(customer, { openOrders, pendingApprovals, thisOrder }, this.settingsNow, this.standingNow.build, at, anyOrder);
  }

  private coveringOverride(customerId: string, a: Assessment, at: number): StandingOverride | undefined {
    if (!this.mayOverride(a.decision)) return undefined;
    return this.standingOverrides.get(customerId)?.find((o) => o.until >= at && a.exposure.totalAfter <= o.upTo);
  }

  private answerOf(customer: CustomerStanding, request: { checkId: string; at: Date; orderId: string | null; source: "cli" | "api"; amount: bigint }, a: Assessment): CheckAnswer {
    const build = this.standingNow.build;
    return {
      check_id: request.checkId,
      checked_at: request.at.toISOString(),
      source: request.source,
      customer_id: customer.customerId,
      customer_name: customer.customerName,
      order_id: request.orderId,
      amount: decimalText(request.amount),
      decision: a.decision,
      may_proceed: a.decision === "approve" || a.decision === "warn",
      reasons: a.reasons.map((r) => ({ code: r.code, level: r.level, message: r.message })),
      exposure: {
        outstanding: decimalText(a.exposure.outstanding),
        open_orders: decimalText(a.exposure.openOrders),
        pending_approvals: decimalText(a.exposure.pendingApprovals),
        this_order: decimalText(a.exposure.thisOrder),
        total_after: decimalText(a.exposure.totalAfter),
      },
      credit_limit: a.creditLimit === null ? null : decimalText(a.creditLimit),
      available_credit_after: a.availableCreditAfter === null ? null : decimalText(a.availableCreditAfter),
      utilisation_after: a.utilisationAfter,
      overdue_amount: decimalText(customer.overdue),
      max_days_past_due: customer.maxDaysPastDue,
      behaviour_class: customer.behaviourClass,
      customer_status: customer.status,
      currency: build.currency,
      data_as_of: { as_of_date: build.asOfDate, built_at: build.builtAt, last_ingest_at: build.lastIngestAt, age_hours: a.dataAgeHours, is_stale: a.isStale },
      override: null,
      reserved_until: null,
      reserved_amount: null,
      order_known: request.orderId !== null && this.standingNow.orders.has(request.orderId),
    };
  }

  private overrideInfo(request: OverrideRequest, at: Date, fallbackUpTo: bigint): OverrideInfo {
    const by = requiredText(request.by, "by");
    const reason = requiredText(request.reason, "reason");
    let upTo: string | null = null;
    let until: string | null = null;
    const hasUpTo = request.upToAmount !== undefined && request.upToAmount !== null;
    const hasUntil = request.until !== undefined && request.until !== null;
    if (hasUpTo) {
      const parsed = parseOrderAmount(request.upToAmount);
      if (!("cents" in parsed)) throw new CreditRequestError(400, `up_to_amount: ${parsed.problem.replace(/^amount /, "")}`);
      upTo = decimalText(parsed.cents);
    }
    if (hasUntil) {
      const text = String(request.until);
      // A date means the end of that day in UTC; an instant is taken as given.
      const ms = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T23:59:59.999Z`) : Date.parse(text);
      if (!Number.isFinite(ms)) throw new CreditRequestError(400, `until must be a date (YYYY-MM-DD) or an ISO 8601 instant, not ${JSON.stringify(text.slice(0, 40))}`);
      if (ms <= at.getTime()) throw new CreditRequestError(400, `until ${text} is already past`);
      until = new Date(ms).toISOString();
    }
    // A standing override covers later holds; either bound alone takes the other's default.
    if (hasUpTo || hasUntil) {
      upTo ??= decimalText(fallbackUpTo);
      until ??= new Date(at.getTime() + this.pendingMs).toISOString();
    }
    return { override_id: this.newId(), by, reason, at: at.toISOString(), up_to_amount: upTo, until, from_check_id: null };
  }

  /** Decides, reserves, logs durably, then answers. */
  async check(request: CheckRequest): Promise<CheckAnswer> {
    const customer = this.customer(request.customerId);
    const amount = parseOrderAmount(request.amount);
    if (!("cents" in amount)) throw new CreditRequestError(400, amount.problem);
    const orderId = optionalId(request.orderId, "order_id");
    const at = this.now();
    const checkId = this.newId();
    const a = this.assessOrder(customer, orderId, amount.cents, at);
    const answer = this.answerOf(customer, { checkId, at, orderId, source: request.source, amount: amount.cents }, a);

    // A block that may not be overridden stays a block, recorded like any check; the CLI says why.
    if (request.override && !answer.may_proceed && this.mayOverride(a.decision)) {
      answer.override = this.overrideInfo(request.override, at, a.exposure.totalAfter);
      answer.may_proceed = true;
    } else if (!answer.may_proceed) {
      const covering = this.coveringOverride(customer.customerId, a, at.getTime());
      if (covering) {
        answer.override = { ...covering.info, from_check_id: covering.checkId };
        answer.may_proceed = true;
      }
    }

    let reserved: Reserved | null = null;
    if (answer.may_proceed) {
      reserved = this.reserveFor(checkId, customer.customerId, orderId, amount.cents, at);
      answer.reserved_until = reserved.reserved_until;
      answer.reserved_amount = reserved.reserved_amount;
    }
    this.forgetOldChecks(at.getTime());
    this.checks.set(checkId, answer);
    try {
      await this.log.append({ type: "check", ...answer } satisfies CheckRecord);
    } catch (e) {
      if (reserved) this.unreserve(reserved);
      this.checks.delete(checkId);
      throw e;
    }
    // A standing override counts for later checks only once it is on record.
    if (answer.override && !answer.override.from_check_id) this.addStandingOverride(checkId, customer.customerId, answer.override);
    return answer;
  }

  /** Checks older than pendingHours can no longer be overridden: drop them (the map is in insertion order). */
  private forgetOldChecks(now: number): void {
    for (const [id, answer] of this.checks) {
      if (Date.parse(answer.checked_at) + this.pendingMs > now) break;
      this.checks.delete(id);
    }
  }

  /** A named person's override of an earlier hold (or of a block, if the config allows it). */
  async override(checkId: string, request: OverrideRequest): Promise<CheckAnswer> {
    const earlier = this.checks.get(checkId);
    const at = this.now();
    if (earlier && Date.parse(earlier.checked_at) + this.pendingMs <= at.getTime()) this.checks.delete(checkId);
    if (!earlier || !this.checks.has(checkId)) throw new CreditRequestError(404, `unknown check ${JSON.stringify(checkId.slice(0, 100))} (or older than creditCheck.pendingHours: check again)`);
    if (earlier.override) throw new CreditRequestError(409, `check ${checkId} was already overridden by ${earlier.override.by}`);
    if (earlier.may_proceed) throw new CreditRequestError(409, `check ${checkId} was ${earlier.decision}d: nothing to override`);
    if (!this.mayOverride(earlier.decision)) throw new CreditRequestError(403, "a block cannot be overridden (creditCheck.allowBlockOverride is off)");
    const info = this.overrideInfo(request, at, centsOf(earlier.exposure.total_after) ?? 0n);
    const reserved = this.reserveFor(checkId, earlier.customer_id, earlier.order_id, centsOf(earlier.amount) ?? 0n, at);
    const { reserved_until, reserved_amount } = reserved;
    const updated: CheckAnswer = { ...earlier, override: info, may_proceed: true, reserved_until, reserved_amount };
    this.checks.set(checkId, updated);
    const record: OverrideRecord = { type: "override", ...info, check_id: checkId, customer_id: earlier.customer_id, order_id: earlier.order_id, amount: earlier.amount, reserved_until, reserved_amount, order_known: earlier.order_known };
    try {
      await this.log.append(record);
    } catch (e) {
      this.unreserve(reserved);
      this.checks.set(checkId, earlier);
      throw e;
    }
    this.addStandingOverride(checkId, earlier.customer_id, info);
    return updated;
  }

  /** A customer's standing now: the build's figures plus what is reserved. */
  customerCredit(customerId: unknown) {
    const customer = this.customer(customerId);
    const at = this.now();
    const a = this.assessOrder(customer, null, 0n, at);
    const holdFor = this.assessOrder(customer, null, 0n, at, true);
    const build = this.standingNow.build;
    return {
      customer_id: customer.customerId,
      customer_name: customer.customerName,
      customer_status: customer.status,
      currency: build.currency,
      credit_limit: customer.creditLimit === null ? null : decimalText(customer.creditLimit),
      exposure: {
        outstanding: decimalText(a.exposure.outstanding),
        open_orders: decimalText(a.exposure.openOrders),
        pending_approvals: decimalText(a.exposure.pendingApprovals),
        total: decimalText(a.exposure.totalAfter),
      },
      available_credit: a.availableCreditAfter === null ? null : decimalText(a.availableCreditAfter),
      utilisation: a.utilisationAfter,
      overdue_amount: decimalText(customer.overdue),
      max_days_past_due: customer.maxDaysPastDue,
      behaviour_class: customer.behaviourClass,
      /** What the next order of any size would meet. */
      next_order_decision: holdFor.decision,
      reasons: holdFor.reasons.map((r) => ({ code: r.code, level: r.level, message: r.message })),
      pending_approvals: this.reservations.list(customer.customerId, at.getTime()).map((r) => ({
        check_id: r.checkId,
        order_id: r.orderId,
        amount: decimalText(r.cents),
        until: new Date(r.until).toISOString(),
      })),
      data_as_of: { as_of_date: build.asOfDate, built_at: build.builtAt, last_ingest_at: build.lastIngestAt, age_hours: a.dataAgeHours, is_stale: a.isStale },
    };
  }

  /**
   * The customers on hold or blocked now: those whose next order of any size would be held or
   * blocked (a customer exactly at its limit included), pending approvals counted.
   */
  holds(): HoldRow[] {
    const at = this.now();
    const rows: HoldRow[] = [];
    for (const customer of this.standingNow.customers.values()) {
      const a = this.assessOrder(customer, null, 0n, at, true);
      if (a.decision !== "hold" && a.decision !== "block") continue;
      const covering = this.coveringOverride(customer.customerId, a, at.getTime());
      rows.push({
        customer_id: customer.customerId,
        customer_name: customer.customerName,
        decision: a.decision,
        reason_codes: a.reasons.filter((r) => r.level === "hold" || r.level === "block").map((r) => r.code).join(" "),
        reasons: a.reasons.filter((r) => r.level === "hold" || r.level === "block").map((r) => r.message).join("; "),
        credit_limit: a.creditLimit === null ? null : decimalText(a.creditLimit),
        exposure: decimalText(a.exposure.totalAfter),
        pending_approvals: decimalText(a.exposure.pendingApprovals),
        overdue_amount: decimalText(customer.overdue),
        max_days_past_due: customer.maxDaysPastDue,
        behaviour_class: customer.behaviourClass,
        team: customer.team,
        collector: customer.collector,
        override_until: covering?.info.until ?? null,
      });
    }
    return rows.sort((x, y) => (x.decision === y.decision ? x.customer_id.localeCompare(y.customer_id) : x.decision === "block" ? -1 : 1));
  }
}

interface Reserved {
  reservation: Reservation | null;
  replaced: Reservation | undefined;
  reserved_until: string | null;
  reserved_amount: string | null;
}

export interface HoldRow {
  customer_id: string;
  customer_name: string | null;
  decision: "hold" | "block";
  reason_codes: string;
  reasons: string;
  credit_limit: string | null;
  exposure: string;
  pending_approvals: string;
  overdue_amount: string;
  max_days_past_due: number;
  behaviour_class: string;
  team: string | null;
  collector: string | null;
  /** A standing override lets orders through until then (within its amount). */
  override_until: string | null;
}
