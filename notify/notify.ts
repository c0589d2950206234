// The notify stage's entry point: evaluate the rules on the marts of the last build, record what is
// new (ledger + outbox, one transaction), then deliver what is pending. Recording comes first and
// is committed before any delivery, so a failed or interrupted delivery loses nothing: the next
// run sends what is still pending.
import type { Config } from "../core/config.ts";
import type { Logger } from "../core/log.ts";
import type { Warehouse } from "../core/warehouse.ts";
import type { DeliveryOptions, DeliveryResult } from "./deliver.ts";
import { recordNotifications, type Renderer } from "./record.ts";

export interface NotifyOptions {
  config: Config;
  asOf: string;
  log: Logger;
  /** The clock: every timestamp the stage writes and every retry decision uses it. */
  now: () => Date;
  /** ARWATCH_SMTP_URL; without it messages are written as .eml files to outboxDir. */
  smtpUrl?: string;
  outboxDir: string;
  dryRun?: boolean;
  /** The run this notify belongs to, recorded on its messages (null for a bare `arwatch notify`). */
  runId?: string | null;
  /** The digest renderer (default notify/render's renderDigest). */
  render?: Renderer;
  /** Delivery of the pending outbox (default notify/deliver.ts's deliverPending). */
  deliver?: (wh: Warehouse, options: DeliveryOptions) => Promise<DeliveryResult>;
}

export interface NotifySummary {
  /** Breaches opened, escalated, re-notified and resolved by this evaluation. */
  breaches: { new: number; escalated: number; reminder: number; resolved: number };
  /** Messages recorded by this run. */
  queued: number;
  /** Delivery results of this run, over every pending message (earlier runs' retries too). */
  sent: number;
  failed: number;
  /** Still pending (a temporary failure, or not due for retry yet). */
  waiting: number;
  /** smtp (with the host) or the outbox folder. */
  deliveredVia: string;
  /** For --dry-run: what would be sent, one line per message. */
  preview?: string[];
}

/** Records, then delivers; a dry run records nothing and sends nothing, and says what it would send. */
export async function runNotify(wh: Warehouse, options: NotifyOptions): Promise<NotifySummary> {
  const render = options.render ?? (await import("./render/index.ts")).renderDigest;
  const recorded = await recordNotifications(wh, {
    config: options.config,
    asOf: options.asOf,
    now: options.now(),
    runId: options.runId ?? null,
    render,
    dryRun: options.dryRun ?? false,
  });
  const { counts, messages } = recorded;
  const breaches = `${counts.new} new, ${counts.escalated} escalated, ${counts.reminder} reminders, ${counts.resolved} resolved`;
  if (options.dryRun) {
    return {
      breaches: counts,
      queued: 0,
      sent: 0,
      failed: 0,
      waiting: 0,
      deliveredVia: "(dry run: nothing sent)",
      preview: messages.map((m) => `${m.recipient}\t${m.subject}\t${m.why}`),
    };
  }
  options.log.info(`notify as of ${options.asOf}: ${breaches}; ${messages.length} messages recorded, now delivering what is pending`);
  const deliver = options.deliver ?? (await import("./deliver.ts")).deliverPending;
  const delivered = await deliver(wh, {
    now: options.now,
    smtpUrl: options.smtpUrl,
    outboxDir: options.outboxDir,
    delivery: options.config.notify.delivery,
    log: options.log,
  });
  return { breaches: counts, queued: messages.length, ...delivered };
}
