// Shared set-up of the notify engine tests: a real in-memory warehouse, the real build at each
// as-of date, then runNotify with an injected clock. The digests handed to the renderer are kept
// (the renderer itself is the real one once notify/render lands), so that tests can read what
// each recipient was told as well as what the ledger and outbox tables hold.
import { parseConfig, type Config } from "../../core/config.ts";
import { memoryLogger } from "../../core/log.ts";
import type { Row, Warehouse } from "../../core/warehouse.ts";
import type { Digest, RenderedMessage } from "../../notify/digest.ts";
import { runNotify, type NotifySummary } from "../../notify/notify.ts";
import { build, tempDir } from "../helpers/warehouse.ts";

/** A stand-in used only while notify/render is not built: the digest as JSON, with a subject. */
async function standInRender(digest: Digest): Promise<RenderedMessage> {
  return { subject: `arwatch ${digest.asOf}: ${digest.breaches.length} breaches`, rawMime: JSON.stringify(digest) };
}

async function realOrStandInRender(): Promise<(d: Digest) => Promise<RenderedMessage>> {
  const { renderDigest } = await import("../../notify/render/index.ts");
  try {
    await renderDigest(probeDigest());
    return renderDigest;
  } catch (e) {
    if (/not built yet/.test(String(e))) return standInRender;
    throw e;
  }
}

function probeDigest(): Digest {
  return {
    messageId: "probe@arwatch", recipient: "probe@example.com", role: "collector", collector: "Probe", locale: "en",
    currency: "USD", asOf: "2024-01-31", siteBaseUrl: null, from: "arwatch <arwatch@example.com>", siteTitle: "arwatch",
    breaches: [], workList: [],
  };
}

export interface NotifyHarness {
  wh: Warehouse;
  outbox: string;
  /** Every digest rendered, in order, with the as-of date of its run. */
  digests: Digest[];
  /** Builds as of the date, then notifies at the clock's instant (default: 07:00 UTC on that date). */
  notifyAt(asOf: string, opts?: { at?: string; dryRun?: boolean; build?: boolean }): Promise<NotifySummary>;
}

export async function notifyHarness(wh: Warehouse, config: Config): Promise<NotifyHarness> {
  const render = await realOrStandInRender();
  const { deliverPending } = await import("../../notify/deliver.ts");
  // Until notify/deliver.ts is built, delivery is a no-op here: these tests are about recording.
  const deliver: typeof deliverPending = async (w, o) => {
    try {
      return await deliverPending(w, o);
    } catch (e) {
      if (/not built yet/.test(String(e))) return { sent: 0, failed: 0, waiting: 0, deliveredVia: o.outboxDir };
      throw e;
    }
  };
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
        deliver,
        render: async (d) => {
          digests.push(d);
          return render(d);
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
