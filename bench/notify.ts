/**
 * The notify engine at scale (issue 8): at 100,000 customers and 1M documents, evaluating the
 * rules, updating the breach ledger and rendering every digest (recorded in one transaction) must
 * take under 10 s; delivery is timed apart. The data is made by the project's generator in a work
 * dir under /tmp, ingested and built with the CLI (not timed), then notify's recording runs
 * in-process on fresh copies of it (--repeat, default 3): each time a first run, when every breach
 * is new (the worst case), and a second run on the same as-of date, which must record nothing. The
 * figure is the median first run, with its CPU time (the machine is shared).
 *
 *   npx tsx bench/notify.ts [--invoices N] [--customers N] [--repeat N] [--work DIR] [--keep]
 *
 * With --work pointing at a dir that already holds built.duckdb (from an earlier --keep), the
 * set-up is skipped. Writes bench/results/notify-<date>.json.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { version as duckdbBindingVersion } from "@duckdb/node-api";
import { Command } from "commander";
import { parseConfig } from "../core/config.ts";
import { silentLogger } from "../core/log.ts";
import { openWarehouse } from "../core/warehouse.ts";
import { deliverPending } from "../notify/deliver.ts";
import { recordNotifications, type RecordPhase } from "../notify/record.ts";
import { renderDigest } from "../notify/render/index.ts";
import { installSignalHandlers, onCleanup, runMain } from "./cleanup.ts";
import { localDate, machineInfo } from "./report.ts";
import { runStep, tail } from "./steps.ts";
import { count } from "./options.ts";

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const ARWATCH = join(BENCH_DIR, "..", "bin", "arwatch.js");
/** The same data as the other benches: fixed as-of date and seed. */
const AS_OF = "2026-06-30";
const SEED = 42;
const TARGET_S = 10;
const TARGET_CUSTOMERS = 100_000;
const TARGET_INVOICES = 1_000_000;

const options = new Command("notify-bench")
  .description("time the notify engine (rules, ledger, digests rendered and recorded) at one scale")
  .option("--invoices <n>", "ledger documents to generate", count("--invoices"), TARGET_INVOICES)
  .option("--customers <n>", "customers to generate", count("--customers"), TARGET_CUSTOMERS)
  .option("--work <dir>", "work dir (default a new one under /tmp); reused when it holds built.duckdb")
  .option("--repeat <n>", "first runs to time, each on a fresh copy (the median is the figure)", count("--repeat"), 3)
  .option("--keep", "keep the work dir", false)
  .parse()
  .opts<{ invoices: number; customers: number; work?: string; repeat: number; keep: boolean }>();

const say = (message: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
const s = (ms: number) => (ms / 1000).toFixed(2);

// Every rule on, so that all of them are evaluated at scale (near limit and the portfolio thresholds are opt-in).
const config = parseConfig({
  notify: {
    rules: { nearLimit: 0.9 },
    portfolio: { expectedLossAbove: 0, dsoAbove: 30, followUpShareBelow: 0.95 },
  },
});

interface RunFigures {
  totalMs: number;
  /** CPU time of this process (JS and DuckDB's threads, user + system) over the run: on a shared machine it says how much work was done, the wall time how long it waited too. */
  cpuMs: number;
  phasesMs: Partial<Record<RecordPhase, number>>;
  breaches: { new: number; escalated: number; reminder: number; resolved: number };
  messages: number;
  mimeBytes: number;
  loadBefore: number;
}

async function main(): Promise<number> {
  installSignalHandlers();
  const startedAt = new Date();
  const workDir = options.work ?? join("/tmp", `arwatch-bench-notify-${startedAt.toISOString().replace(/[:.]/g, "-")}`);
  const logDir = join(workDir, "logs");
  mkdirSync(logDir, { recursive: true });
  onCleanup("work dir", () => {
    if (options.keep || options.work) console.error(`kept the work dir: ${workDir}`);
    else rmSync(workDir, { recursive: true, force: true });
  });
  const arwatch = (name: string, args: string[]) => runStep(name, process.execPath, [ARWATCH, ...args], { cwd: workDir, logDir });
  const built = join(workDir, "built.duckdb");
  const setup: Record<string, number> = {};
  if (!existsSync(built)) {
    const extracts = join(workDir, "extracts");
    say(`generating ${options.invoices.toLocaleString("en-US")} documents for ${options.customers.toLocaleString("en-US")} customers…`);
    const gen = await arwatch("generate", [
      "generate", "--out", extracts, "--invoices", String(options.invoices), "--customers", String(options.customers),
      "--seed", String(SEED), "--as-of", AS_OF,
    ]);
    if (!gen.ok) throw new Error(`generate failed:\n${tail(gen)}`);
    setup.generateMs = gen.wallMs;
    say("ingest…");
    const ingest = await arwatch("ingest", ["ingest", extracts, "--db", built]);
    if (!ingest.ok) throw new Error(`ingest failed:\n${tail(ingest)}`);
    setup.ingestMs = ingest.wallMs;
    say("build…");
    const build = await arwatch("build", ["build", "--db", built, "--as-of", AS_OF]);
    if (!build.ok) throw new Error(`build failed:\n${tail(build)}`);
    setup.buildMs = build.wallMs;
    rmSync(extracts, { recursive: true, force: true });
  }

  // Each repetition starts from a fresh copy of the built warehouse (an empty ledger): a first run,
  // when every breach is new, then a second run on the same as-of date. The median of the first
  // runs is the figure; one run on a shared 2-core machine is too noisy to judge by.
  // Not "notify.duckdb": DuckDB names the catalog after the file, which would clash with schema notify.
  const db = join(workDir, "ledger-run.duckdb");
  const runs: RunFigures[] = [];
  const secondRuns: RunFigures[] = [];
  let scale: { customers: string; documents: string; open_items: string } | undefined;
  let ledger: { breaches: string; open: string; work_list_items: string } | undefined;
  let delivered = { sent: 0, failed: 0, waiting: 0, deliveredVia: "" };
  let deliveryMs = 0;
  let outboxBytes = 0;
  for (let rep = 1; rep <= options.repeat; rep++) {
    rmSync(db, { force: true });
    rmSync(`${db}.wal`, { force: true });
    copyFileSync(built, db);
    if (existsSync(`${built}.wal`)) copyFileSync(`${built}.wal`, `${db}.wal`);
    const wh = await openWarehouse(db, { create: false });
    [scale] = await wh.all<{ customers: string; documents: string; open_items: string }>(
      `select (select count(*) from marts.dim_customers) as customers,
              (select count(*) from staging.stg_invoices) as documents,
              (select count(*) from marts.fct_open_items) as open_items`,
    );
    for (const [i, at] of ["2026-06-30T06:00:00Z", "2026-06-30T07:00:00Z"].entries()) {
      const phasesMs: Partial<Record<RecordPhase, number>> = {};
      let mimeBytes = 0;
      const loadBefore = loadavg()[0]!;
      say(`repetition ${rep}, notify run ${i + 1} (${i === 0 ? "every breach new" : "same as-of date again"}; load average ${loadBefore.toFixed(1)})…`);
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      const result = await recordNotifications(wh, {
        config,
        asOf: AS_OF,
        now: new Date(at),
        runId: null,
        dryRun: false,
        render: async (d) => {
          const r = await renderDigest(d);
          mimeBytes += r.rawMime.length;
          return r;
        },
        onPhase: (p, ms) => (phasesMs[p] = ms),
      });
      const totalMs = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      const cpuMs = (cpu.user + cpu.system) / 1000;
      (i === 0 ? runs : secondRuns).push({ totalMs, cpuMs, phasesMs, breaches: result.counts, messages: result.messages.length, mimeBytes, loadBefore });
      say(`  ${s(totalMs)} s (CPU ${s(cpuMs)} s): ${Object.entries(phasesMs).map(([p, ms]) => `${p} ${s(ms)}`).join(", ")}; ${result.messages.length} messages, ${(mimeBytes / 2 ** 20).toFixed(1)} MB of MIME`);
    }
    [ledger] = await wh.all<{ breaches: string; open: string; work_list_items: string }>(
      `select (select count(*) from notify.breaches) as breaches,
              (select count(*) from notify.breaches where resolved_at is null) as open,
              (select count(*) from notify.work_list_items) as work_list_items`,
    );
    if (rep === options.repeat) {
      // Delivery, apart from the target: the recorded messages written to an outbox folder.
      const outbox = join(workDir, "outbox");
      rmSync(outbox, { recursive: true, force: true });
      say("delivery to the outbox folder…");
      const d0 = performance.now();
      delivered = await deliverPending(wh, { now: () => new Date("2026-06-30T07:05:00Z"), outboxDir: outbox, delivery: config.notify.delivery, log: silentLogger });
      deliveryMs = performance.now() - d0;
      outboxBytes = readdirSync(outbox).reduce((sum, f) => sum + statSync(join(outbox, f)).size, 0);
    }
    wh.close();
  }

  const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor((values.length - 1) / 2)]!;
  const medianFirstMs = median(runs.map((r) => r.totalMs));
  const medianFirstCpuMs = median(runs.map((r) => r.cpuMs));
  const atTargetScale = options.invoices === TARGET_INVOICES && options.customers === TARGET_CUSTOMERS;
  const results = {
    date: localDate(startedAt),
    startedAt: startedAt.toISOString(),
    scale: {
      invoicesRequested: options.invoices,
      customersRequested: options.customers,
      seed: SEED,
      asOf: AS_OF,
      customers: Number(scale!.customers),
      documents: Number(scale!.documents),
      openItems: Number(scale!.open_items),
    },
    machine: machineInfo(`node-api ${duckdbBindingVersion()}`, "not used"),
    setupMs: setup,
    firstRuns: runs,
    secondRuns,
    medianFirstRun: { wallMs: medianFirstMs, cpuMs: medianFirstCpuMs },
    ledger: { breaches: Number(ledger!.breaches), open: Number(ledger!.open), workListItems: Number(ledger!.work_list_items) },
    delivery: { ...delivered, ms: deliveryMs, bytes: outboxBytes, messagesPerSecond: delivered.sent / (deliveryMs / 1000) },
    target: { seconds: TARGET_S, atTargetScale, medianFirstRunSeconds: medianFirstMs / 1000, met: atTargetScale ? medianFirstMs / 1000 < TARGET_S : null },
  };
  const verdict = results.target.met === null ? "n/a at this scale" : results.target.met ? "met" : "MISSED";
  console.log(
    [
      `arwatch notify — ${results.scale.documents.toLocaleString("en-US")} documents, ${results.scale.customers.toLocaleString("en-US")} customers ` +
        `(${results.scale.openItems.toLocaleString("en-US")} open items), as of ${AS_OF}; ${results.machine.cpus} × ${results.machine.cpuModel}`,
      ...[...runs.map((r, i) => ({ r, name: `first run ${i + 1}` })), ...secondRuns.map((r, i) => ({ r, name: `second run ${i + 1}` }))].map(
        ({ r, name }) =>
          `${name}: ${s(r.totalMs)} s wall, ${s(r.cpuMs)} s CPU (${Object.entries(r.phasesMs).map(([p, ms]) => `${p} ${s(ms)}`).join(", ")}); ` +
          `breaches ${r.breaches.new} new, ${r.breaches.escalated} escalated, ${r.breaches.reminder} reminders, ${r.breaches.resolved} resolved; ` +
          `${r.messages} messages (${(r.mimeBytes / 2 ** 20).toFixed(1)} MB); load before ${r.loadBefore.toFixed(1)}`,
      ),
      `median of the first runs: ${s(medianFirstMs)} s wall, ${s(medianFirstCpuMs)} s CPU`,
      `ledger: ${results.ledger.breaches} breaches (${results.ledger.open} open), ${results.ledger.workListItems} work-list items`,
      `delivery (apart): ${delivered.sent} messages to the outbox in ${s(deliveryMs)} s (${results.delivery.messagesPerSecond.toFixed(1)}/s, ${(outboxBytes / 2 ** 20).toFixed(1)} MB)`,
      `target: rules + ledger + every digest rendered and recorded < ${TARGET_S} s at 100,000 customers / 1M documents: median ${s(medianFirstMs)} s, ${verdict}`,
    ].join("\n"),
  );
  const file = join(BENCH_DIR, "results", `notify-${results.date}.json`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`results written to ${file}`);
  return 0;
}

runMain(main);
