// The notify stage's entry point: evaluate the rules on the marts of the last build, record what is
// new (ledger + outbox, one transaction), then deliver what is pending. Filled in by the notify work
// of issue 8; the signature is what `arwatch notify` and `arwatch run` call.
import type { Config } from "../core/config.ts";
import type { Logger } from "../core/log.ts";
import type { Warehouse } from "../core/warehouse.ts";

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

export async function runNotify(_wh: Warehouse, _options: NotifyOptions): Promise<NotifySummary> {
  throw new Error("notify is not built yet");
}
