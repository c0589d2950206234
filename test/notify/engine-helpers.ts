// Shared set-up of the notify engine tests: a real in-memory warehouse, the real build at each
// as-of date, then runNotify with an injected clock. The digests handed to the (real) renderer
// are kept, so that tests can read what each recipient was told as well as what the ledger and outbox tables hold. Delivery is the real
// one too, into a temp outbox folder (no ARWATCH_SMTP_URL).
import { parseConfig, type Config } from "../../core/config.ts";
import { memoryLogger } from "../../core/log.ts";
import type { Row, Warehouse } from "../../core/warehouse.ts";
import type { Digest } from "../../notify/digest.ts";
import { runNotify, type NotifySummary } from "../../notify/notify.ts";
import { renderDigest } from "../../notify/render/index.ts";
import { build, tempDir } from "../helpers/warehouse.ts";

export interface NotifyHarness {
  wh: Warehouse;
  outbox: string;
  /** Every digest rendered, in order, with the as-of date of its run. */
  digests: Digest[];
  /** Builds as of the date, then notifies at the clock's instant (default: 07:00 UTC on that date). */
  notifyAt(asOf: string, opts?: { at?: string; dryRun?: boolean; build?: boolean }): Promise<NotifySummary>;
}

export async function notifyHarness(wh: Warehouse, config: Config): Promise<NotifyHarness> {
  const digests: Digest[] = [];
  const outbox = tempDir("arwatch-notify-outbox-");
  const harness: NotifyHarness = {
    wh,
    outbox,
    digests,
    async notifyAt(asOf, opts = {}) {
      if (opts.build ?? true) await build(wh, asOf, config);
      const at = new Date(opts.at ?? `${asOf}T07:00:00Z`);
      return runNotify(wh, {
        config,
        asOf,
        log: memoryLogger(),
        now: () => at,
        outboxDir: outbox,
        dryRun: opts.dryRun,
        // The real renderer, observed: the digests it was handed are kept for the tests to read.
        render: async (d) => {
          digests.push(d);
          return renderDigest(d);
        },
      });
    },
  };
  return harness;
}

export function notifyConfig(notify: Record<string, unknown>): Config {
  return parseConfig({ notify });
}

/** "rule|customer|document" per message recipient, sorted: what each recipient was told in runs as of the date. */
export async function toldByRecipient(wh: Warehouse, asOf: string): Promise<Record<string, string[]>> {
  const rows = await wh.all<Row & { recipient: string; told: string }>(
    `select m.recipient, b.rule || '|' || coalesce(b.customer_id, '') || '|' || coalesce(b.document_id, '') || ':' || mb.change as told
     from notify.messages m
     join notify.message_breaches mb using (message_id)
     join notify.breaches b using (breach_id)
     where m.as_of_date = $1::date
     order by m.recipient, told`,
    [asOf],
  );
  const out: Record<string, string[]> = {};
  for (const r of rows) (out[r.recipient] ??= []).push(r.told);
  return out;
}

/** "section:customer:document" per recipient, in rank order, for the work lists recorded as of the date. */
export async function workListsOf(wh: Warehouse, asOf: string): Promise<Record<string, string[]>> {
  const rows = await wh.all<Row & { recipient: string; item: string }>(
    `select recipient, section || ':' || customer_id || ':' || coalesce(document_id, '') || ':' || coalesce(amount::varchar, '') as item
     from notify.work_list_items
     where as_of_date = $1::date
     order by recipient, list_position(['milestone', 'promise_due', 'call_first', 'disputed'], section), rank`,
    [asOf],
  );
  const out: Record<string, string[]> = {};
  for (const r of rows) (out[r.recipient] ??= []).push(r.item);
  return out;
}

export async function count(wh: Warehouse, sql: string): Promise<number> {
  const rows = await wh.all<{ n: string }>(`select count(*) as n from (${sql})`);
  return Number(rows[0]!.n);
}
