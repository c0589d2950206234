/**
 * Delivery benchmark (issue 8): N rendered digests delivered from the outbox to a local smtp-server
 * (in its own process) over a pooled connection, with every status change written to a file-backed
 * warehouse as in production. Target: at least 50 messages a second. Prints msgs/s and per-message
 * latency percentiles (send + the "sent" update), and writes bench/results/notify-delivery-<date>.json.
 *
 *   npx tsx bench/notify-delivery.ts [--messages N]
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { version as duckdbVersion } from "@duckdb/node-api";
import { sql } from "kysely";
import { kyselyOver } from "../core/kysely.ts";
import { silentLogger } from "../core/log.ts";
import { openWarehouse } from "../core/warehouse.ts";
import { deliverPending } from "../notify/deliver.ts";
import type { Digest } from "../notify/digest.ts";
import { renderDigest } from "../notify/render/index.ts";
import { ensureNotifySchema, type NotifyTables } from "../notify/schema.ts";
import { localDate, machineInfo } from "./report.ts";

const TARGET_PER_SECOND = 50;
const BENCH_DIR = dirname(fileURLToPath(import.meta.url));

function argCount(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const n = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a whole number ≥ 1`);
  return n;
}

/** A collector's digest of a realistic size: a few alerts and a work list of twenty lines. */
function digest(i: number): Digest {
  const customer = (k: number) => `C${String(i * 100 + k).padStart(7, "0")}`;
  return {
    messageId: `bench-${i}@arwatch`, recipient: `collector${i}@example.com`, role: "collector", collector: `Collector ${i}`,
    locale: (["en", "vi", "th"] as const)[i % 3]!, currency: "USD", asOf: "2026-06-30", siteBaseUrl: "https://ar.example.com/",
    from: "arwatch <arwatch@example.com>", siteTitle: "arwatch", date: "2026-06-30T23:00:00.000Z",
    breaches: [1, 2, 3].map((k) => ({
      breachId: String(i * 10 + k), rule: k === 1 ? "over_limit" : "overdue", change: "new" as const, level: k, customerId: customer(k),
      customerName: `Customer ${k} of collector ${i}`, documentId: k === 1 ? null : `INV-${i}-${k}`, amount: `${1000 * k}.25`,
      facts: { credit_limit: "5000", days_past_due: 30 * k }, firstSeenAsOf: "2026-06-30",
    })),
    workList: Array.from({ length: 20 }, (_, k) => ({
      section: (["milestone", "promise_due", "call_first", "disputed"] as const)[k % 4]!, rank: k + 1, customerId: customer(k),
      customerName: `Customer ${k}`, documentId: `INV-${i}-${k}`, amount: `${250 * (k + 1)}.00`, daysPastDue: k, dueDate: "2026-06-01", detail: null,
    })),
  };
}

/** The sink in its own process; stop() asks it for its count, kill() is for a bench that failed. */
function startSink(): Promise<{ port: number; stop: () => Promise<number>; kill: () => void }> {
  const child = spawn(process.execPath, ["--import", "tsx", join(BENCH_DIR, "notify-smtp-sink.ts")], { stdio: ["ignore", "pipe", "inherit"] });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  return new Promise((resolve, reject) => {
    child.on("exit", (code) => reject(new Error(`the SMTP sink exited (${code}) before listening`)));
    const check = () => {
      const m = /listening (\d+)/.exec(out);
      if (!m) return;
      child.stdout.off("data", check);
      resolve({
        port: Number(m[1]),
        stop: () =>
          new Promise((done) => {
            child.removeAllListeners("exit");
            child.on("exit", () => done(Number(/received (\d+)/.exec(out)?.[1] ?? -1)));
            child.kill("SIGTERM");
          }),
        kill: () => {
          if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
        },
      });
    };
    child.stdout.on("data", check);
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

const n = argCount("--messages", 2000);
const work = mkdtempSync(join(tmpdir(), "arwatch-bench-notify-"));
const wh = await openWarehouse(join(work, "warehouse.duckdb"));
const sink = await startSink();
try {
  await ensureNotifySchema(wh);
  const renderStart = performance.now();
  const db = kyselyOver<NotifyTables>(wh);
  const at = sql<string>`cast(${"2026-07-01T06:00:00.000"} as timestamp)`;
  await wh.transaction(async () => {
    for (let i = 0; i < n; i++) {
      const d = digest(i);
      const r = await renderDigest(d);
      await db.insertInto("notify.messages").values({
        message_id: d.messageId, run_id: null, created_at: at, as_of_date: sql<string>`cast(${d.asOf} as date)`, recipient: d.recipient,
        recipient_role: "collector", locale: d.locale, subject: r.subject, raw_mime: r.rawMime, status: "pending", attempts: 0,
        next_attempt_at: at, last_error: null, sent_at: null, delivered_to: null,
      }).execute();
    }
  });
  const renderMs = performance.now() - renderStart;
  const sizes = await wh.all<{ avg: number }>("select avg(strlen(raw_mime))::integer as avg from notify.messages");

  const latencies: number[] = [];
  const started = performance.now();
  const result = await deliverPending(wh, {
    now: () => new Date("2026-07-01T06:00:00.000Z"),
    smtpUrl: `smtp://127.0.0.1:${sink.port}`,
    outboxDir: join(work, "outbox"),
    delivery: { maxAttempts: 8, retryAfterMinutes: 5, rateLimitPerSecond: 0 },
    log: silentLogger,
    onAttempt: (a) => latencies.push(a.ms),
  });
  const deliverMs = performance.now() - started;
  const received = await sink.stop();
  latencies.sort((a, b) => a - b);
  const perSecond = (result.sent * 1000) / deliverMs;
  const figures = {
    benchmark: "notify-delivery",
    date: new Date().toISOString(),
    machine: machineInfo(duckdbVersion(), "n/a"),
    messages: n,
    averageMessageBytes: sizes[0]?.avg ?? null,
    renderAndRecordSeconds: Number((renderMs / 1000).toFixed(2)),
    deliverSeconds: Number((deliverMs / 1000).toFixed(2)),
    sent: result.sent,
    failed: result.failed,
    receivedByServer: received,
    messagesPerSecond: Math.round(perSecond),
    latencyMs: Object.fromEntries([50, 90, 99].map((p) => [`p${p}`, Number(percentile(latencies, p).toFixed(2))]).concat([["max", Number((latencies.at(-1) ?? 0).toFixed(2))]])),
    target: { messagesPerSecond: TARGET_PER_SECOND, met: perSecond >= TARGET_PER_SECOND && result.sent === n && received === n },
  };
  console.log(`rendered and recorded ${n} digests (${figures.averageMessageBytes} bytes each on average) in ${figures.renderAndRecordSeconds} s`);
  console.log(`delivered ${result.sent} of ${n} (server received ${received}) in ${figures.deliverSeconds} s: ${figures.messagesPerSecond} msgs/s (target ≥ ${TARGET_PER_SECOND}: ${figures.target.met ? "met" : "NOT met"})`);
  console.log(`latency per message (send + status update): p50 ${figures.latencyMs.p50} ms, p90 ${figures.latencyMs.p90} ms, p99 ${figures.latencyMs.p99} ms, max ${figures.latencyMs.max} ms`);
  mkdirSync(join(BENCH_DIR, "results"), { recursive: true });
  const file = join(BENCH_DIR, "results", `notify-delivery-${localDate()}.json`);
  writeFileSync(file, `${JSON.stringify(figures, null, 2)}\n`);
  console.log(`wrote ${file}`);
  if (!figures.target.met) process.exitCode = 1;
} finally {
  sink.kill();
  wh.close();
  rmSync(work, { recursive: true, force: true });
}
