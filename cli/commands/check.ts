import type { Command } from "commander";
import { formatAmount } from "../../core/money.ts";
import type { CheckAnswer } from "../../credit/records.ts";
import { contextFrom, type GlobalOptions } from "../context.ts";
import { CommandFailed } from "../failure.ts";
import { withConfig, withDb } from "../options.ts";
import { safeForTableCell } from "../terminal-text.ts";

interface CheckOptions extends GlobalOptions {
  customer: string;
  amount: string;
  orderId?: string;
  json?: boolean;
  override?: boolean;
  by?: string;
  reason?: string;
}

/** The exit code of a decision: the sale may go ahead (0), needs an override (3), may not (4). */
export function exitCodeOf(answer: CheckAnswer): number {
  if (answer.may_proceed) return 0;
  return answer.decision === "block" ? 4 : 3;
}

/** The answer in words, for a person at a terminal. Extract text is made inert. */
export function describeAnswer(a: CheckAnswer): string {
  const cell = (text: string | null) => safeForTableCell(text ?? "");
  const money = (value: string | null) => (value === null ? "none" : `${a.currency} ${formatAmount(value, a.currency)}`);
  const e = a.exposure;
  const head = a.override ? `${a.decision.toUpperCase()}, overridden by ${cell(a.override.by)}: ${cell(a.override.reason)}` : a.decision.toUpperCase();
  const lines = [
    `${head} — customer ${cell(a.customer_id)}${a.customer_name ? ` (${cell(a.customer_name)})` : ""}${a.order_id ? `, order ${cell(a.order_id)}` : ""}, ${money(a.amount)}`,
    ...a.reasons.map((r) => `  ${r.level}: ${r.code}: ${cell(r.message)}`),
    `exposure after: outstanding ${money(e.outstanding)} + open orders ${money(e.open_orders)} + pending approvals ${money(e.pending_approvals)} + this order ${money(e.this_order)} = ${money(e.total_after)}`,
    `credit limit ${money(a.credit_limit)}, available after ${money(a.available_credit_after)}, utilisation after ${a.utilisation_after ?? "-"}`,
    `overdue ${money(a.overdue_amount)}, oldest ${a.max_days_past_due} days past due, behaviour ${a.behaviour_class}`,
    `figures as of ${a.data_as_of.as_of_date} (built ${a.data_as_of.built_at}, ${a.data_as_of.age_hours} h ago; last ingest ${a.data_as_of.last_ingest_at ?? "never"})`,
    a.reserved_until ? `reserved as a pending approval until ${a.reserved_until}` : "nothing reserved",
    `check ${a.check_id}`,
  ];
  return lines.join("\n");
}

export function registerCheck(program: Command): void {
  withConfig(
    withDb(
      program
        .command("check")
        .description("may we sell this customer this much more, now? approve, warn, hold or block, with the reasons; recorded before it is answered (exit 0 approve/warn, 3 hold, 4 block, 2 bad request)")
        .requiredOption("--customer <id>", "the customer id, as in the extracts")
        .requiredOption("--amount <n>", "the order's amount in the functional currency (at most two decimals)")
        .option("--order-id <id>", "the order's id: its reservation ends when an ingest brings the order in")
        .option("--json", "print the answer as one JSON object")
        .option("--override", "override a hold (needs --by and --reason)")
        .option("--by <name>", "who overrides")
        .option("--reason <text>", "why"),
    ),
  ).action(async (opts: CheckOptions) => {
    if (opts.override && (!opts.by?.trim() || !opts.reason?.trim())) throw new CommandFailed("--override needs --by <name> and --reason <text>", [], 2);
    if (!opts.override && (opts.by !== undefined || opts.reason !== undefined)) throw new CommandFailed("--by and --reason go with --override", [], 2);
    const ctx = contextFrom(opts);
    const { openCreditSession } = await import("../../credit/session.ts");
    // One check reads its customer's standing alone (the service looks the id up trimmed, as here).
    const session = await openCreditSession({ db: ctx.db, config: ctx.config, writer: "arwatch check", log: ctx.log, onlyCustomer: opts.customer.trim() });
    let answer: CheckAnswer;
    try {
      answer = await session.service.check({
        customerId: opts.customer,
        amount: opts.amount,
        orderId: opts.orderId ?? null,
        source: "cli",
        ...(opts.override ? { override: { by: opts.by, reason: opts.reason } } : {}),
      });
    } finally {
      await session.close();
    }
    process.stdout.write(`${opts.json ? JSON.stringify(answer, null, 2) : describeAnswer(answer)}\n`);
    if (opts.override && !answer.override && !answer.may_proceed) ctx.log.warn("a block cannot be overridden (creditCheck.allowBlockOverride is off); the check was recorded as blocked");
    if (opts.override && answer.may_proceed && !answer.override) ctx.log.info(`no override needed: the check was ${answer.decision === "approve" ? "approved" : "a warning"}`);
    process.exitCode = exitCodeOf(answer);
  });
}
