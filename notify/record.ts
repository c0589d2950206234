// Recording, the transactional half of the outbox: in ONE transaction the ledger is brought up to
// date, each recipient's digest is rendered, and the messages (whole MIME, status pending), what
// each carried (message_breaches, work_list_items) and the breaches' notified_* columns are
// written. Nothing is sent here: a crash before COMMIT leaves no trace, a crash after it leaves
// pending messages that the next delivery sends. A dry run does all of it and rolls back.
import type { Config } from "../core/config.ts";
import { toStoredTimestamp } from "../core/timestamps.ts";
import type { Warehouse } from "../core/warehouse.ts";
import { assembleDigests, digestReason } from "./assemble.ts";
import type { Digest, RenderedMessage } from "./digest.ts";
import { evaluateRules, markNotified, updateLedger, type LedgerCounts } from "./ledger.ts";
import { ensureNotifySchema } from "./schema.ts";
import { buildWorkList } from "./work-list/index.ts";

export type Renderer = (digest: Digest) => Promise<RenderedMessage>;

export interface RecordOptions {
  config: Config;
  asOf: string;
  now: Date;
  runId: string | null;
  render: Renderer;
  dryRun: boolean;
  newMessageId?: () => string;
  /** Called with each phase's duration in ms (rules, ledger, work list, assembly, render, write): for the benchmark. */
  onPhase?: (phase: RecordPhase, ms: number) => void;
}

export type RecordPhase = "rules" | "ledger" | "work_list" | "assemble" | "render" | "write";

export interface RecordedMessage {
  messageId: string;
  recipient: string;
  subject: string;
  /** What the message tells, in one line (rule, customer; the work list's sections). */
  why: string;
}

export interface RecordResult {
  counts: LedgerCounts;
  messages: RecordedMessage[];
}

/** The as-of date and currency of the last build; notify reads the marts of that build only. */
export async function lastBuild(wh: Warehouse): Promise<{ asOf: string; currency: string }> {
  let rows: { as_of_date: string; currency: string }[];
  try {
    rows = await wh.all("select as_of_date, currency from marts.rpt_build_info");
  } catch {
    throw new Error("no build found in the warehouse (marts.rpt_build_info is missing): run arwatch build first");
  }
  if (rows.length !== 1) throw new Error("marts.rpt_build_info does not hold exactly one row: run arwatch build again");
  return { asOf: rows[0]!.as_of_date, currency: rows[0]!.currency };
}

/** Evaluates, renders and records (or, for a dry run, evaluates and renders, then rolls back). */
export async function recordNotifications(wh: Warehouse, opts: RecordOptions): Promise<RecordResult> {
  // Everything, the schema's creation included, is inside the transaction, so that a dry run
  // leaves the warehouse exactly as it found it.
  const work = async () => {
    await ensureNotifySchema(wh);
    const currency = await checkAsOf(wh, opts.asOf);
    return recordInTransaction(wh, opts, currency);
  };
  if (!opts.dryRun) return wh.transaction(work);
  await wh.run("begin transaction");
  try {
    return await work();
  } finally {
    await wh.run("rollback");
  }
}

/** The build must be as of the date asked for, and the ledger must not have moved past it. */
async function checkAsOf(wh: Warehouse, asOf: string): Promise<string> {
  const build = await lastBuild(wh);
  if (build.asOf !== asOf) {
    throw new Error(`the last build is as of ${build.asOf}, not ${asOf}: run arwatch build --as-of ${asOf} first (notify reads the marts of the last build)`);
  }
  const [ledger] = await wh.all<{ latest: string | null }>(
    "select max(greatest(last_seen_as_of, coalesce(resolved_as_of, last_seen_as_of))) as latest from notify.breaches",
  );
  const latest = ledger?.latest;
  if (latest && latest > asOf) {
    throw new Error(`the breach ledger has already been evaluated as of ${latest}; notify cannot go back to ${asOf} (it would resolve and reopen breaches)`);
  }
  return build.currency;
}

async function recordInTransaction(wh: Warehouse, opts: RecordOptions, currency: string): Promise<RecordResult> {
  const { config, asOf } = opts;
  const now = toStoredTimestamp(opts.now);
  let started = performance.now();
  const phase = (name: RecordPhase) => {
    const end = performance.now();
    opts.onPhase?.(name, end - started);
    started = end;
  };
  await evaluateRules(wh, config.notify);
  phase("rules");
  const counts = await updateLedger(wh, { asOf, now, notify: config.notify });
  phase("ledger");
  await buildWorkList(wh, { asOf, workList: config.notify.workList });
  phase("work_list");
  const digests = await assembleDigests(wh, { asOf, currency, config, newMessageId: opts.newMessageId, date: opts.now.toISOString() });
  phase("assemble");

  const messages: RecordedMessage[] = [];
  const rows: (string | number | null)[][] = [];
  for (const digest of digests) {
    const rendered = await opts.render(digest);
    messages.push({ messageId: digest.messageId, recipient: digest.recipient, subject: rendered.subject, why: digestReason(digest) });
    rows.push([digest.messageId, opts.runId, now, asOf, digest.recipient, digest.role, digest.locale, rendered.subject, rendered.rawMime, "pending", 0, now]);
  }
  phase("render");
  await insertMessages(wh, rows);
  await wh.run(
    `create or replace temp table notify_recipient_messages as
     select unnest($recipients::varchar[]) as recipient, unnest($ids::varchar[]) as message_id`,
    { recipients: JSON.stringify(digests.map((d) => d.recipient)), ids: JSON.stringify(digests.map((d) => d.messageId)) },
  );
  await wh.run(
    `insert into notify.message_breaches (message_id, breach_id, change)
     select m.message_id, c.breach_id, c.change
     from notify_changes as c
     join notify_recipient_messages as m using (recipient)`,
  );
  await wh.run(
    `insert into notify.work_list_items (message_id, as_of_date, recipient, collector, section, rank, customer_id,
                                         document_id, amount, days_past_due, due_date, detail)
     select m.message_id, $as_of::date, w.recipient, c.collector, w.section, w.rank, w.customer_id,
            w.document_id, w.amount, w.days_past_due, w.due_date, w.detail
     from notify_work_list as w
     join notify_recipient_messages as m using (recipient)
     left join notify_recipients as c on c.customer_id = w.customer_id and c.recipient = w.recipient`,
    { as_of: asOf },
  );
  await markNotified(wh, { asOf, now });
  phase("write");
  return { counts, messages };
}

const MESSAGE_COLUMNS = [
  "message_id", "run_id", "created_at", "as_of_date", "recipient", "recipient_role", "locale",
  "subject", "raw_mime", "status", "attempts", "next_attempt_at",
];
const CASTS: Record<string, string> = { created_at: "::timestamp", as_of_date: "::date", next_attempt_at: "::timestamp", attempts: "::integer" };

/** Inserts the messages a few hundred at a time: one statement per batch, values as parameters. */
async function insertMessages(wh: Warehouse, rows: (string | number | null)[][]): Promise<void> {
  const BATCH = 200;
  for (let start = 0; start < rows.length; start += BATCH) {
    const batch = rows.slice(start, start + BATCH);
    const tuples = batch.map((_, i) => `(${MESSAGE_COLUMNS.map((c, j) => `$${i * MESSAGE_COLUMNS.length + j + 1}${CASTS[c] ?? ""}`).join(", ")})`);
    await wh.run(`insert into notify.messages (${MESSAGE_COLUMNS.join(", ")}) values ${tuples.join(", ")}`, batch.flat());
  }
}
