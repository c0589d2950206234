// Delivery of the outbox (being built by the notify-mail work of issue 8).
import type { Logger } from "../core/log.ts";
import type { Warehouse } from "../core/warehouse.ts";

export interface DeliveryOptions {
  now: () => Date;
  /** ARWATCH_SMTP_URL; without it messages are written as .eml files to outboxDir. */
  smtpUrl?: string;
  outboxDir: string;
  delivery: { maxAttempts: number; retryAfterMinutes: number; rateLimitPerSecond: number };
  log: Logger;
}

export interface DeliveryResult {
  sent: number;
  failed: number;
  /** Still pending after this pass (a temporary failure, or not due yet). */
  waiting: number;
  /** "smtp://host:port" (never the password) or the outbox folder. */
  deliveredVia: string;
}

/** Delivers every pending message that is due; each status change is its own small update. */
export async function deliverPending(_wh: Warehouse, _options: DeliveryOptions): Promise<DeliveryResult> {
  throw new Error("delivery is not built yet");
}
