import { dirname, join } from "node:path";
import type { Command } from "commander";
import { withRunLock } from "../../core/run-lock.ts";
import type { NotifySummary } from "../../notify/notify.ts";
import { contextFrom, type GlobalOptions } from "../context.ts";
import { withFigureOptions } from "../options.ts";
import { safeForTableCell } from "../terminal-text.ts";
import { withWarehouse } from "../warehouse-access.ts";

interface NotifyCommandOptions extends GlobalOptions {
  outbox?: string;
  dryRun?: boolean;
}

/** The outbox folder: --outbox, else outbox/ beside the warehouse (data/outbox for the default warehouse). */
export function outboxFor(db: string, outbox?: string): string {
  return outbox ?? join(dirname(db), "outbox");
}

export function registerNotify(program: Command): void {
  withFigureOptions(
    program
      .command("notify")
      .description(
        "tell collectors and finance what the last build shows (new, escalated and due-again breaches, the day's work lists): " +
          "record it, then deliver over SMTP when ARWATCH_SMTP_URL is set, else as .eml files in the outbox",
      )
      .option("--outbox <dir>", "where .eml files are written without ARWATCH_SMTP_URL (default: outbox/ beside the warehouse, i.e. data/outbox)")
      .option("--dry-run", "print what would be sent, to whom and why; record nothing, send nothing"),
  ).action(async (opts: NotifyCommandOptions) => {
    const ctx = contextFrom(opts);
    const outboxDir = outboxFor(ctx.db, opts.outbox);
    // One job at a time per warehouse: the lock is taken before the warehouse is opened, and a
    // refusal (RunBusy, naming the holder) leaves through the CLI's one exit path.
    await withRunLock(ctx.db, "arwatch notify", () => new Date(), () =>
      withWarehouse(ctx.db, "write", async (wh) => {
        const [{ runNotify }, { lastBuild }] = await Promise.all([import("../../notify/notify.ts"), import("../../notify/record.ts")]);
        // Without --as-of, notify tells what the last build shows, whatever day that build was for.
        const asOf = opts.asOf ? ctx.asOf : (await lastBuild(wh)).asOf;
        const summary = await runNotify(wh, {
          config: ctx.config,
          asOf,
          log: ctx.log,
          now: () => new Date(),
          smtpUrl: process.env.ARWATCH_SMTP_URL || undefined,
          outboxDir,
          dryRun: opts.dryRun ?? false,
        });
        process.stdout.write(opts.dryRun ? dryRunText(asOf, summary) : summaryText(asOf, summary));
      }),
    );
  });
}

function breachCounts(summary: NotifySummary): string {
  const b = summary.breaches;
  return `breaches: ${b.new} new, ${b.escalated} escalated, ${b.reminder} reminders, ${b.resolved} resolved`;
}

/** Recipient, subject and why of each message that would be sent; data reaches the terminal made safe. */
function dryRunText(asOf: string, summary: NotifySummary): string {
  const lines = (summary.preview ?? []).map((line) => {
    const [recipient, subject, why] = line.split("\t").map((s) => safeForTableCell(s ?? ""));
    return `  to ${recipient}: ${subject}\n    why: ${why}\n`;
  });
  return `dry run as of ${asOf}, nothing recorded or sent; ${breachCounts(summary)}\n${lines.length} messages would be sent${lines.length ? ":" : "."}\n${lines.join("")}`;
}

function summaryText(asOf: string, summary: NotifySummary): string {
  return (
    `notify as of ${asOf}: ${breachCounts(summary)}\n` +
    `messages: ${summary.queued} recorded; ${summary.sent} sent, ${summary.failed} failed, ${summary.waiting} waiting for a retry; ` +
    `via ${safeForTableCell(summary.deliveredVia)}\n`
  );
}
