// What delivery hands a channel (the SMTP server or the outbox folder) and what it gets back.
import type { FailureKind } from "./deliver-smtp.ts";

/** One pending message as delivery reads it. */
export interface Due {
  message_id: string;
  recipient: string;
  raw_mime: string;
  attempts: number;
}

/** How one message went: delivered (with where), or failed with what the failure means. */
export type Outcome = { ok: true; deliveredTo: string } | { ok: false; kind: FailureKind; error: string };

export interface Channel {
  /** "smtp://host:port" or the outbox folder, for the run's summary. */
  via: string;
  /** Messages in flight at once. */
  concurrency: number;
  /** Sends one message; never throws (a failure is an outcome). */
  send(message: Due): Promise<Outcome>;
  close(): Promise<void>;
}

/** An error's text on one line: the server's answer when there is one. */
export function errorText(e: unknown): string {
  const err = e as { message?: string; response?: string };
  return String(err?.response ?? err?.message ?? e).replace(/\s+/g, " ").trim();
}
