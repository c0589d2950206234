// Delivery of the outbox: every pending message whose next attempt is due goes out — over SMTP when
// ARWATCH_SMTP_URL is set, else as an .eml file in the outbox folder — and only then is it marked
// sent. Each status change is its own small statement (autocommit), so a crash mid-batch loses
// nothing: what was not marked sent is tried again by the next run, with the same stored bytes and
// so the same Message-ID. Delivery is therefore at-least-once: a crash after the server accepted a
// message but before it was marked sent sends it twice, and mail clients show one (same Message-ID).
import { sql } from "kysely";
import { kyselyOver } from "../core/kysely.ts";
import { toStoredTimestamp } from "../core/timestamps.ts";
import type { Logger } from "../core/log.ts";
import type { Warehouse } from "../core/warehouse.ts";
import type { Due, Outcome } from "./deliver-channel.ts";
import { outboxChannel } from "./deliver-outbox.ts";
import { rateLimiter, serialiser, sleep } from "./deliver-pace.ts";
import { redactor, smtpChannel } from "./deliver-smtp.ts";
import { isValidAddress } from "./render/address.ts";
import type { NotifyTables } from "./schema.ts";

export interface DeliveryOptions {
  now: () => Date;
  /** ARWATCH_SMTP_URL; without it messages are written as .eml files to outboxDir. */
  smtpUrl?: string;
  outboxDir: string;
  delivery: { maxAttempts: number; retryAfterMinutes: number; rateLimitPerSecond: number };
  log: Logger;
  /** Waits before a send when rateLimitPerSecond asks for it (default a timer; tests record the waits instead). */
  sleep?: (ms: number) => Promise<void>;
  /** Called after each message's outcome is recorded, with the time its send and record took (progress, the benchmark). */
  onAttempt?: (attempt: { messageId: string; status: "sent" | "failed" | "pending"; ms: number }) => void;
}

export interface DeliveryResult {
  sent: number;
  failed: number;
  /** Still pending after this pass (a temporary failure, or not due yet). */
  waiting: number;
  /** "smtp://host:port" (never the password) or the outbox folder. */
  deliveredVia: string;
}

const MAX_BACKOFF_MINUTES = 24 * 60;
// Raw messages are read a page at a time, so a large backlog does not sit in memory at once.
const PAGE = 200;

/** The wait before the next attempt after `attempts` attempts: retryAfterMinutes × 2^(attempts−1), at most a day. */
export function backoffMinutes(attempts: number, retryAfterMinutes: number): number {
  return Math.min(retryAfterMinutes * 2 ** Math.max(0, attempts - 1), MAX_BACKOFF_MINUTES);
}

/** Delivers every pending message that is due; each status change is its own small update. */
export async function deliverPending(wh: Warehouse, options: DeliveryOptions): Promise<DeliveryResult> {
  const db = kyselyOver<NotifyTables>(wh);
  const redact = options.smtpUrl ? redactor(options.smtpUrl) : (text: string) => text;
  const dueIds = await db
    .selectFrom("notify.messages")
    .select("message_id")
    .where("status", "=", "pending")
    .where("next_attempt_at", "<=", sql<string>`cast(${toStoredTimestamp(options.now())} as timestamp)`)
    .orderBy("created_at")
    .orderBy("message_id")
    .execute();

  const channel = options.smtpUrl ? smtpChannel(options.smtpUrl, redact) : outboxChannel(options.outboxDir);
  // notify.delivery.rateLimitPerSecond: messages are spaced evenly, whatever the number of connections.
  const waitTurn = options.smtpUrl ? rateLimiter(options.delivery.rateLimitPerSecond, options.now, options.sleep ?? sleep) : async () => {};
  // The warehouse has one connection: its statements run one at a time, while up to
  // channel.concurrency messages are on the wire.
  const serially = serialiser();
  let sent = 0;
  let failed = 0;
  let stoppedBy: string | null = null;

  const deliverOne = async (message: Due): Promise<void> => {
    const started = performance.now();
    let outcome: Outcome;
    if (isValidAddress(message.recipient)) {
      await waitTurn();
      // The server was found unreachable while this message waited for its turn: leave it untouched.
      if (stoppedBy !== null) return;
      outcome = await channel.send(message);
    } else {
      outcome = { ok: false, kind: "permanent", error: `recipient "${message.recipient}" is not a valid e-mail address` };
    }
    const status = await serially(() => record(db, message, outcome, options));
    if (status === "sent") sent += 1;
    if (status === "failed") failed += 1;
    options.onAttempt?.({ messageId: message.message_id, status, ms: performance.now() - started });
    if (!outcome.ok) {
      options.log.warn(`message ${message.message_id} to ${message.recipient}: ${redact(outcome.error)} (${status === "failed" ? "failed, not retried" : "will be retried"})`);
      // The server or the folder itself is failing: every next message would fail the same way.
      if (outcome.kind === "unreachable") stoppedBy ??= outcome.error;
    }
  };

  try {
    for (let i = 0; i < dueIds.length && stoppedBy === null; i += PAGE) {
      const ids = dueIds.slice(i, i + PAGE).map((r) => r.message_id);
      const page = await serially(() =>
        db
          .selectFrom("notify.messages")
          .select(["message_id", "recipient", "raw_mime", "attempts"])
          .where("message_id", "in", ids)
          .where("status", "=", "pending")
          .orderBy("created_at")
          .orderBy("message_id")
          .execute(),
      );
      let next = 0;
      const worker = async () => {
        while (stoppedBy === null && next < page.length) await deliverOne(page[next++]!);
      };
      // Every worker finishes (and records) what it holds before an error leaves this function.
      const settled = await Promise.allSettled(Array.from({ length: channel.concurrency }, worker));
      const broken = settled.find((r) => r.status === "rejected");
      if (broken) throw broken.reason;
    }
  } finally {
    await channel.close();
  }
  if (stoppedBy !== null) options.log.warn(`delivery stopped for this run: ${redact(stoppedBy)}; the remaining messages wait for the next run`);

  const waiting = await db
    .selectFrom("notify.messages")
    .select((eb) => eb.fn.countAll<string>().as("n"))
    .where("status", "=", "pending")
    .executeTakeFirstOrThrow();
  return { sent, failed, waiting: Number(waiting.n), deliveredVia: channel.via };
}

/** Records one outcome in its own statement; only a still-pending row changes. */
async function record(db: ReturnType<typeof kyselyOver<NotifyTables>>, message: Due, outcome: Outcome, options: DeliveryOptions): Promise<"sent" | "failed" | "pending"> {
  const now = options.now();
  const attempts = message.attempts + 1;
  const row = db.updateTable("notify.messages").where("message_id", "=", message.message_id).where("status", "=", "pending");
  if (outcome.ok) {
    await row
      .set({ status: "sent", attempts, sent_at: sql<string>`cast(${toStoredTimestamp(now)} as timestamp)`, delivered_to: outcome.deliveredTo, last_error: null })
      .execute();
    return "sent";
  }
  const error = outcome.error.slice(0, 2000);
  if (outcome.kind === "unreachable") {
    // The server (or the folder) failed, not this message: an outage of any length must lose
    // nothing, so it costs the message no attempt and never fails it; the next run tries again.
    const next = new Date(now.getTime() + backoffMinutes(Math.max(1, message.attempts), options.delivery.retryAfterMinutes) * 60_000);
    await row.set({ next_attempt_at: sql<string>`cast(${toStoredTimestamp(next)} as timestamp)`, last_error: error }).execute();
    return "pending";
  }
  if (outcome.kind === "permanent" || attempts >= options.delivery.maxAttempts) {
    await row.set({ status: "failed", attempts, last_error: error }).execute();
    return "failed";
  }
  const next = new Date(now.getTime() + backoffMinutes(attempts, options.delivery.retryAfterMinutes) * 60_000);
  await row.set({ attempts, next_attempt_at: sql<string>`cast(${toStoredTimestamp(next)} as timestamp)`, last_error: error }).execute();
  return "pending";
}
