/**
 * The credit check at scale (issue 9, "Fast, and never in the way of the warehouse"), with
 * 100,000 customers' standing loaded, each figure beside a floor measured in the same run:
 *
 * - in-process: the decision (CreditService.check()'s synchronous part: policy + reservation +
 *   the answer and its log line), the policy `assess()` alone, and check() awaited with the real
 *   CreditLog (written and fdatasynced before it resolves); floor: a Map lookup and the same BigInt
 *   arithmetic. Target: the decision under 0.5 ms at p99.
 * - over HTTP on 127.0.0.1: startCreditServer in a child process, node:http keep-alive clients
 *   with C requests in flight (closed loop) and requests on a fixed 2,000/s schedule (open loop);
 *   floor: a bare node:http server answering a fixed JSON of the same size. Targets: p99 under
 *   5 ms and more than 2,000 checks a second.
 * - the reload after a build: loadStanding of the published standing + setStanding (with the
 *   event loop's longest stall meanwhile); floor: raw DuckDB (node-api) reading the same tables.
 *   Target: under 2 s. And publishStanding's cost (on a copy of the warehouse: a build writes
 *   the same tables aside from its scratch just before its commit, and swaps them in after it).
 *
 *   npx tsx bench/credit.ts [--invoices N] [--customers N] [--work DIR | --db FILE] [--keep]
 *
 * The data: the project's generator (seed 42, as of 2026-06-30), ingested and fully built with the
 * CLI in the work dir (default /tmp/credit-bench/<invoices>-<customers>, reused when it holds a
 * built warehouse); --db takes an already fully built warehouse instead (its published standing
 * beside it). Every run writes its checks to a temp log in a run dir of its own, deleted at the
 * end unless --keep. Writes bench/results/credit-<date>.json.
 */
import { closeSync, copyFileSync, existsSync, fdatasyncSync, mkdirSync, mkdtempSync, openSync, readFileSync, writeSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { DuckDBInstance, version as duckdbBindingVersion } from "@duckdb/node-api";
import { Command } from "commander";
import { parseConfig } from "../core/config.ts";
import { openWarehouse } from "../core/warehouse.ts";
import { loadStanding } from "../credit/load-standing.ts";
import { CreditLog } from "../credit/log.ts";
import { standingPath } from "../credit/paths.ts";
import { assess, policySettings, type Decision } from "../credit/policy.ts";
import { publishStanding } from "../credit/publish-standing.ts";
import type { CheckAnswer } from "../credit/records.ts";
import { CreditService } from "../credit/service.ts";
import type { CustomerStanding, Standing } from "../credit/standing.ts";
import { installSignalHandlers, onCleanup, runMain } from "./cleanup.ts";
import { closedLoop, openLoop, startServerChild, type LoadResult, type ServerChild, type Target } from "./credit-http.ts";
import { makeRequests, ms, spread, spreadText, type BenchRequest, type Spread } from "./credit-stats.ts";
import { localDate, machineInfo } from "./report.ts";
import { runStep, tail } from "./steps.ts";
import { count } from "./options.ts";

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const REPO_DIR = join(BENCH_DIR, "..");
const ARWATCH = join(REPO_DIR, "bin", "arwatch.js");
const AS_OF = "2026-06-30";
const SEED = 42;
const TARGET = { decisionP99Ms: 0.5, httpP99Ms: 5, httpPerSecond: 2000, reloadMs: 2000 };

const options = new Command("credit-bench")
  .description("time the credit check (issue 9): in-process decision, HTTP, reload after a build")
  .option("--invoices <n>", "ledger documents to generate", count("--invoices"), 1_000_000)
  .option("--customers <n>", "customers to generate", count("--customers"), 100_000)
  .option("--work <dir>", "work dir, reused when it holds a built warehouse (default /tmp/credit-bench/<invoices>-<customers>)")
  .option("--db <file>", "an already fully built warehouse (its published standing beside it): no generate, ingest or build")
  .option("--rounds <n>", "rounds of the in-process comparison (floor, assess, check interleaved)", count("--rounds"), 5)
  .option("--per-round <n>", "calls of each in-process variant per round", count("--per-round"), 20_000)
  .option("--batch <n>", "in-process checks in flight at once (then awaited together)", count("--batch"), 32)
  .option("--durable <n>", "checks awaited one at a time (each its own log write and fdatasync)", count("--durable"), 1_000)
  .option("--hot <n>", "checks for one customer without a limit (its pending approvals pile up)", count("--hot"), 10_000)
  .option("--http-count <n>", "requests per HTTP run", count("--http-count"), 20_000)
  .option("--concurrency <list>", "requests in flight for the closed-loop HTTP runs", "1,8,16,64")
  .option("--rate <n>", "requests per second of the open-loop HTTP run", count("--rate"), 2000)
  .option("--reloads <n>", "reloads to time (each beside a floor read)", count("--reloads"), 5)
  .option("--publishes <n>", "publishStanding runs to time", count("--publishes"), 3)
  .option("--skip-http", "no HTTP figures", false)
  .option("--label <name>", "write bench/results/credit-<date>-<name>.json")
  .option("--keep", "keep the run dir (logs, the publish copy)", false)
  .parse()
  .opts<{
    invoices: number; customers: number; work?: string; db?: string; rounds: number; perRound: number; batch: number; durable: number; hot: number;
    httpCount: number; concurrency: string; rate: number; reloads: number; publishes: number; skipHttp: boolean; label?: string; keep: boolean;
  }>();

const say = (message: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
const load1 = () => Math.round(loadavg()[0]! * 100) / 100;

// A full collection between phases, so that one phase's garbage is not collected in the next one's figures.
setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

interface Setup {
  invoices: number | null;
  customers: number | null;
  generateMs?: number;
  ingestMs?: number;
  /** The CLI's `arwatch build` (all marts, publishStanding included), wall and CPU. */
  buildMs?: number;
  buildCpuMs?: number | null;
}

async function prepare(): Promise<{ db: string; setup: Setup; workDir: string }> {
  if (options.db) {
    const db = resolve(options.db);
    if (!existsSync(standingPath(db))) throw new Error(`${db}: no published standing beside it (${standingPath(db)}); build it fully first`);
    return { db, setup: { invoices: null, customers: null }, workDir: dirname(db) };
  }
  const workDir = resolve(options.work ?? join("/tmp/credit-bench", `${options.invoices}-${options.customers}`));
  const db = join(workDir, "wh.duckdb");
  const setupFile = join(workDir, "setup.json");
  if (existsSync(db) && existsSync(standingPath(db)) && existsSync(setupFile)) {
    say(`reusing the built warehouse in ${workDir}`);
    return { db, setup: JSON.parse(readFileSync(setupFile, "utf8")) as Setup, workDir };
  }
  const logDir = join(workDir, "logs");
  mkdirSync(logDir, { recursive: true });
  for (const f of [db, `${db}.wal`, standingPath(db)]) rmSync(f, { force: true });
  const arwatch = (name: string, args: string[]) => runStep(name, process.execPath, [ARWATCH, ...args], { cwd: workDir, logDir });
  const extracts = join(workDir, "extracts");
  const setup: Setup = { invoices: options.invoices, customers: options.customers };
  say(`generating ${options.invoices.toLocaleString("en-US")} documents for ${options.customers.toLocaleString("en-US")} customers…`);
  const gen = await arwatch("generate", ["generate", "--out", extracts, "--invoices", String(options.invoices), "--customers", String(options.customers), "--seed", String(SEED), "--as-of", AS_OF]);
  if (!gen.ok) throw new Error(`generate failed:\n${tail(gen)}`);
  setup.generateMs = gen.wallMs;
  say("ingest…");
  const ingest = await arwatch("ingest", ["ingest", extracts, "--db", db]);
  if (!ingest.ok) throw new Error(`ingest failed:\n${tail(ingest)}`);
  setup.ingestMs = ingest.wallMs;
  say("build (all marts; publishes the credit standing)…");
  const build = await arwatch("build", ["build", "--db", db, "--as-of", AS_OF]);
  if (!build.ok) throw new Error(`build failed:\n${tail(build)}`);
  setup.buildMs = build.wallMs;
  setup.buildCpuMs = build.cpuMs;
  rmSync(extracts, { recursive: true, force: true });
  writeFileSync(setupFile, `${JSON.stringify(setup, null, 2)}\n`);
  return { db, setup, workDir };
}

// ---------------------------------------------------------------------------------------------
// In-process

interface Variant {
  /** Per call, ms. */
  samples: number[];
  /** Wall time of all calls (timers included), ms. */
  wallMs: number;
}

const newVariant = (): Variant => ({ samples: [], wallMs: 0 });

/** The floor: the customer's figures from a Map and the exposure arithmetic of the policy in BigInt cents. */
function floorDecision(customers: ReadonlyMap<string, CustomerStanding>, r: BenchRequest, warnAtBasisPoints: bigint): number {
  const c = customers.get(r.customerId)!;
  const total = c.outstanding + c.openOrders + 0n + r.cents;
  const limit = c.creditLimit;
  if (limit === null) return 1;
  if (total > limit) return 2;
  return total * 10000n >= warnAtBasisPoints * limit ? 1 : 0;
}

interface InProcess {
  floor: Spread & { wallMeanMs: number };
  assess: Spread & { wallMeanMs: number };
  checkSync: Spread & { wallMeanMs: number };
  checkAwaitedBatch: Spread & { checksPerSecond: number; batch: number };
  checkAwaitedOneByOne: Spread & { checksPerSecond: number };
  /** One log-sized line written and fdatasynced, one at a time (the disk's floor for a durable answer). */
  fdatasyncFloor: Spread;
  decisions: Record<Decision, number>;
  heapRetainedBytesPerCheck: number;
  /** Garbage collections during the rounds (all variants): count, total and longest pause. */
  gc: { count: number; totalMs: number; maxMs: number };
  hotCustomer: { customerId: string; checks: number; first1000: Spread; last1000: Spread; pendingApprovalsAtEnd: number };
  rounds: { round: number; load1: number; floorP99Ms: number; assessP99Ms: number; checkSyncP99Ms: number }[];
  ratios: { checkSyncP99OverFloorP99: number; assessP99OverFloorP99: number; checkSyncMeanOverFloorMean: number };
  answerExample: CheckAnswer;
}

async function inProcess(service: CreditService, standing: Standing, runDir: string): Promise<InProcess> {
  const config = parseConfig({});
  const settings = policySettings(config, standing.build);
  const ids = [...standing.customers.keys()];
  const customers = standing.customers;
  const n = options.perRound;
  const floor = newVariant();
  const assessed = newVariant();
  const sync = newVariant();
  const awaited: number[] = [];
  let awaitedWallMs = 0;
  const decisions: Record<Decision, number> = { approve: 0, warn: 0, hold: 0, block: 0 };
  let sink = 0;
  let answerExample: CheckAnswer | undefined;
  let checkSeq = 0;

  const runFloor = (reqs: BenchRequest[], into: Variant | null) => {
    const t0 = performance.now();
    for (const r of reqs) {
      const t = performance.now();
      sink += floorDecision(customers, r, settings.warnAtBasisPoints);
      into?.samples.push(performance.now() - t);
    }
    if (into) into.wallMs += performance.now() - t0;
  };
  const runAssess = (reqs: BenchRequest[], into: Variant | null) => {
    const t0 = performance.now();
    for (const r of reqs) {
      const t = performance.now();
      const c = customers.get(r.customerId)!;
      const a = assess(c, { openOrders: c.openOrders, pendingApprovals: 0n, thisOrder: r.cents }, settings, standing.build, new Date());
      into?.samples.push(performance.now() - t);
      sink += a.reasons.length;
    }
    if (into) into.wallMs += performance.now() - t0;
  };
  // check(): its synchronous part (decision, reservation, answer, the log line queued) is timed per
  // call; `batch` calls are in flight together, then awaited (one group-committed log write).
  const runChecks = async (reqs: BenchRequest[], into: Variant | null, intoAwaited: number[] | null, tag: string) => {
    const t0 = performance.now();
    let syncMs = 0;
    for (let b = 0; b < reqs.length; b += options.batch) {
      const inFlight: Promise<void>[] = [];
      for (let j = b; j < Math.min(reqs.length, b + options.batch); j++) {
        const r = reqs[j]!;
        const t = performance.now();
        const p = service.check({ customerId: r.customerId, amount: r.amount, orderId: `${tag}-${checkSeq++}`, source: "api" });
        const d = performance.now() - t;
        syncMs += d;
        into?.samples.push(d);
        inFlight.push(
          p.then((answer) => {
            intoAwaited?.push(performance.now() - t);
            decisions[answer.decision]++;
            answerExample ??= answer;
          }),
        );
      }
      await Promise.all(inFlight);
    }
    if (into) into.wallMs += syncMs;
    if (intoAwaited) awaitedWallMs += performance.now() - t0;
  };

  say(`in-process: warming up (floor, assess, check ×${Math.min(5000, n)})…`);
  const warm = makeRequests(ids, Math.min(5000, n), SEED + 1000);
  runFloor(warm, null);
  runAssess(warm, null);
  await runChecks(warm, null, null, "warm");

  gc();
  const heap0 = process.memoryUsage().heapUsed;
  const gcPauses: number[] = [];
  const gcObserver = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcPauses.push(e.duration);
  });
  gcObserver.observe({ entryTypes: ["gc"] });
  const rounds: InProcess["rounds"] = [];
  for (let round = 1; round <= options.rounds; round++) {
    const reqs = makeRequests(ids, n, SEED + round);
    const before = { f: floor.samples.length, a: assessed.samples.length, c: sync.samples.length };
    const l = load1();
    // Alternate the order, so that a busy moment of the shared machine falls on every variant.
    const order = round % 2 === 1 ? ["floor", "assess", "check"] : ["check", "assess", "floor"];
    for (const v of order) {
      if (v === "floor") runFloor(reqs, floor);
      else if (v === "assess") runAssess(reqs, assessed);
      else await runChecks(reqs, sync, awaited, `r${round}`);
    }
    const p99 = (v: Variant, from: number) => spread(v.samples.slice(from)).p99Ms;
    rounds.push({ round, load1: l, floorP99Ms: p99(floor, before.f), assessP99Ms: p99(assessed, before.a), checkSyncP99Ms: p99(sync, before.c) });
    say(`  round ${round}: p99 floor ${ms(rounds.at(-1)!.floorP99Ms)} ms, assess ${ms(rounds.at(-1)!.assessP99Ms)} ms, check() sync ${ms(rounds.at(-1)!.checkSyncP99Ms)} ms (load ${l})`);
  }
  gcObserver.disconnect();
  gc();
  const checksMade = sync.samples.length;
  const heapRetainedBytesPerCheck = (process.memoryUsage().heapUsed - heap0) / checksMade;

  say(`in-process: ${options.durable} checks awaited one at a time (a log write and fdatasync each)…`);
  const oneByOne: number[] = [];
  const d0 = performance.now();
  for (const r of makeRequests(ids, options.durable, SEED + 2000)) {
    const t = performance.now();
    const answer = await service.check({ customerId: r.customerId, amount: r.amount, orderId: `seq-${checkSeq++}`, source: "api" });
    oneByOne.push(performance.now() - t);
    decisions[answer.decision]++;
  }
  const oneByOneWallMs = performance.now() - d0;

  // The floor of a durable answer: one line of the same size appended and fdatasynced, one at a time, on the same file system.
  const line = `${JSON.stringify({ type: "check", ...answerExample })}\n`;
  const fd = openSync(join(runDir, "fdatasync-floor.jsonl"), "a");
  const syncFloor: number[] = [];
  for (let k = 0; k < options.durable; k++) {
    const t = performance.now();
    writeSync(fd, line);
    fdatasyncSync(fd);
    syncFloor.push(performance.now() - t);
  }
  closeSync(fd);

  // One customer without a limit (its orders warn, and proceed): every check reserves, and each
  // check sums the customer's pending approvals (Reservations.pendingFor walks them all).
  const hot = [...customers.values()].find(
    (c) => c.creditLimit === null && c.status === "active" && (c.behaviourClass === "prompt" || c.behaviourClass === "no_history") && c.overduePastHold === 0n && c.overduePastMaxAge === 0n,
  );
  let hotCustomer: InProcess["hotCustomer"];
  if (hot) {
    say(`in-process: ${options.hot.toLocaleString("en-US")} checks for one customer without a limit (${hot.customerId})…`);
    const hotSamples = newVariant();
    const reqs = Array.from({ length: options.hot }, (): BenchRequest => ({ customerId: hot.customerId, amount: "100.00", cents: 10000n }));
    await runChecks(reqs, hotSamples, null, "hot");
    const credit = service.customerCredit(hot.customerId);
    hotCustomer = {
      customerId: hot.customerId,
      checks: options.hot,
      first1000: spread(hotSamples.samples.slice(0, 1000)),
      last1000: spread(hotSamples.samples.slice(-1000)),
      pendingApprovalsAtEnd: credit.pending_approvals.length,
    };
  } else {
    hotCustomer = { customerId: "", checks: 0, first1000: spread([]), last1000: spread([]), pendingApprovalsAtEnd: 0 };
  }
  if (sink === -1) console.log(sink);

  const withMean = (v: Variant) => ({ ...spread(v.samples), wallMeanMs: v.wallMs / v.samples.length });
  const f = withMean(floor);
  const a = withMean(assessed);
  const c = withMean(sync);
  writeFileSync(join(runDir, "answer.json"), JSON.stringify(answerExample));
  return {
    floor: f,
    assess: a,
    checkSync: c,
    checkAwaitedBatch: { ...spread(awaited), checksPerSecond: awaited.length / (awaitedWallMs / 1000), batch: options.batch },
    checkAwaitedOneByOne: { ...spread(oneByOne), checksPerSecond: oneByOne.length / (oneByOneWallMs / 1000) },
    fdatasyncFloor: spread(syncFloor),
    decisions,
    heapRetainedBytesPerCheck,
    gc: { count: gcPauses.length, totalMs: gcPauses.reduce((x, y) => x + y, 0), maxMs: Math.max(0, ...gcPauses) },
    hotCustomer,
    rounds,
    ratios: { checkSyncP99OverFloorP99: c.p99Ms / f.p99Ms, assessP99OverFloorP99: a.p99Ms / f.p99Ms, checkSyncMeanOverFloorMean: c.wallMeanMs / f.wallMeanMs },
    answerExample: answerExample!,
  };
}

// ---------------------------------------------------------------------------------------------
// Reload after a build, and publishStanding inside the build

interface ReloadRun {
  load1: number;
  loadMs: number;
  setStandingMs: number;
  totalMs: number;
  cpuMs: number;
  /** The longest the event loop was blocked during loadStanding + setStanding (requests wait that long). */
  maxEventLoopStallMs: number;
  released: number;
  floorMs: number;
  floorCpuMs: number;
}

/** The floor: raw DuckDB (node-api) reading the same three tables of the same file, rows materialised as DuckDB values. */
async function floorRead(file: string): Promise<number> {
  const instance = await DuckDBInstance.create(file, { access_mode: "READ_ONLY" });
  const connection = await instance.connect();
  let rows = 0;
  try {
    for (const sql of ["select * from build", "select * from customers", "select order_id, customer_id, open_unbilled_amount from known_orders"]) {
      const reader = await connection.runAndReadAll(sql);
      rows += reader.getRows().length;
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  return rows;
}

async function reloads(service: CreditService, file: string): Promise<{ runs: ReloadRun[]; customers: number; knownOrders: number }> {
  const runs: ReloadRun[] = [];
  let customers = 0;
  let knownOrders = 0;
  for (let i = 1; i <= options.reloads; i++) {
    const l = load1();
    const doFloor = async () => {
      gc();
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await floorRead(file);
      const c = process.cpuUsage(c0);
      return { floorMs: performance.now() - t0, floorCpuMs: (c.user + c.system) / 1000 };
    };
    const doArwatch = async () => {
      gc();
      const h = monitorEventLoopDelay({ resolution: 1 });
      h.enable();
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      const standing = await loadStanding(file);
      const t1 = performance.now();
      const { released } = service.setStanding(standing);
      const t2 = performance.now();
      // The histogram records a stall when the loop next turns.
      await new Promise((resolve) => setTimeout(resolve, 2));
      h.disable();
      const c = process.cpuUsage(c0);
      customers = standing.customers.size;
      knownOrders = standing.orders.size;
      return { loadMs: t1 - t0, setStandingMs: t2 - t1, totalMs: t2 - t0, cpuMs: (c.user + c.system) / 1000, maxEventLoopStallMs: h.max / 1e6, released };
    };
    const [x, y] = i % 2 === 1 ? [await doArwatch(), await doFloor()] : [undefined, await doFloor()];
    const arw = x ?? (await doArwatch());
    runs.push({ load1: l, ...arw, ...y });
    say(`  reload ${i}: ${ms(arw.totalMs)} ms (load ${ms(arw.loadMs)}, setStanding ${ms(arw.setStandingMs)}; CPU ${ms(arw.cpuMs)}; longest event-loop stall ${ms(arw.maxEventLoopStallMs)} ms); floor ${ms(y.floorMs)} ms (load ${l})`);
  }
  return { runs, customers, knownOrders };
}

interface BuildShare {
  /** publishStanding runs (the standing file written and renamed into place). */
  runs: { load1: number; ms: number; cpuMs: number }[];
  bytes: number;
  /** What else the build does for the credit check (cli/build-step.ts), once each, with this run's log. */
  creditLog: { checks: number; overrides: number; ms: number };
  holds: { sessionMs: number; holdsMs: number; writeMs: number; rows: number };
  logRecords: number;
}

/**
 * The credit check's work inside a build, on a copy of the warehouse: publishStanding (timed
 * --publishes times), then what cli/build-step.ts also does for it once per build: the log copied
 * into credit.checks (loadCreditLog, with this run's log of every in-process check), and the holds
 * recorded (a read-only session on the standing with the log replayed, holds(), writeHolds). A
 * build writes the standing from its scratch before its commit and works out the holds while the
 * commit runs; here they run one after the other, so these figures are the work, not the wait.
 */
async function buildShare(db: string, runDir: string, logFile: string): Promise<BuildShare> {
  const { ensureCreditSchema, loadCreditLog, writeHolds } = await import("../credit/warehouse-tables.ts");
  const { openCreditSession } = await import("../credit/session.ts");
  // On a copy: publishStanding writes beside the warehouse it is given; the copy's standing is the bench's own.
  const copy = join(runDir, "publish-copy.duckdb");
  copyFileSync(db, copy);
  if (existsSync(`${db}.wal`)) copyFileSync(`${db}.wal`, `${copy}.wal`);
  const wh = await openWarehouse(copy, { create: false });
  const runs: { load1: number; ms: number; cpuMs: number }[] = [];
  let target = "";
  let creditLog: BuildShare["creditLog"];
  let holds: BuildShare["holds"];
  try {
    for (let i = 1; i <= options.publishes; i++) {
      const l = load1();
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      target = await publishStanding(wh);
      const c = process.cpuUsage(c0);
      runs.push({ load1: l, ms: performance.now() - t0, cpuMs: (c.user + c.system) / 1000 });
      say(`  publishStanding ${i}: ${ms(runs.at(-1)!.ms)} ms (CPU ${ms(runs.at(-1)!.cpuMs)}; load ${l})`);
    }
    await ensureCreditSchema(wh);
    let t0 = performance.now();
    const loaded = await loadCreditLog(wh, logFile);
    creditLog = { checks: loaded.checks, overrides: loaded.overrides, ms: performance.now() - t0 };
    say(`  the log copied into credit.checks: ${loaded.checks.toLocaleString("en-US")} checks in ${ms(creditLog.ms)} ms`);
    t0 = performance.now();
    const session = await openCreditSession({ db: copy, config: parseConfig({ creditCheck: { logFile } }) });
    const t1 = performance.now();
    try {
      const rows = session.service.holds();
      const t2 = performance.now();
      await writeHolds(wh, rows, session.service.standing.build.asOfDate, new Date());
      holds = { sessionMs: t1 - t0, holdsMs: t2 - t1, writeMs: performance.now() - t2, rows: rows.length };
    } finally {
      await session.close();
    }
    say(`  the holds recorded: session (standing + log replayed) ${ms(holds.sessionMs)} ms, holds() ${ms(holds.holdsMs)} ms, writeHolds ${ms(holds.writeMs)} ms (${holds.rows} rows)`);
  } finally {
    wh.close();
  }
  const { statSync } = await import("node:fs");
  const bytes = statSync(target).size;
  for (const f of [copy, `${copy}.wal`, target]) rmSync(f, { force: true });
  return { runs, bytes, creditLog, holds, logRecords: creditLog.checks + creditLog.overrides };
}

// ---------------------------------------------------------------------------------------------
// HTTP

/** arwatch-tmpfs: the same server with its log on /dev/shm (fdatasync costs nothing there): a diagnostic of what the disk flush costs, not a configuration to run. */
type ServerKind = "arwatch" | "floor" | "arwatch-tmpfs";

interface HttpRun {
  server: ServerKind;
  kind: "closed" | "open";
  /** Closed loop: requests in flight; open loop: the offered rate per second. */
  level: number;
  load1: number;
  latency: Spread;
  perSecond: number;
  statuses: Record<string, number>;
  errors: number;
  serverCpuUsPerRequest: number;
  /** The server's garbage collection during the run: share of its wall time, longest pause, heap in use after. */
  serverGcMs: number;
  serverGcMaxMs: number;
  serverHeapMb: number;
  clientCpuUsPerRequest: number;
  maxSendLagMs?: number;
}

async function httpPart(db: string, runDir: string, ids: readonly string[]): Promise<{ runs: HttpRun[]; duringReload?: HttpRun & { reloads: number; standingLoadedAt: unknown } } | { skipped: string }> {
  const serverFile = join(REPO_DIR, "credit", "http-server.ts");
  if (!existsSync(serverFile)) return { skipped: "credit/http-server.ts is not there" };
  const token = "bench-token-" + Math.random().toString(36).slice(2);
  const answerFile = join(runDir, "answer.json");
  say("HTTP: starting the arwatch server and the floor server (child processes)…");
  const shmDir = existsSync("/dev/shm") ? mkdtempSync("/dev/shm/arwatch-credit-bench-") : null;
  onCleanup("tmpfs log dir", () => {
    if (shmDir) rmSync(shmDir, { recursive: true, force: true });
  });
  const servers: Partial<Record<ServerKind, ServerChild>> = {
    arwatch: await startServerChild("arwatch", { db, logFile: join(runDir, "http-credit-log.jsonl"), token, answerFile }),
    floor: await startServerChild("floor", { db, logFile: join(runDir, "unused.jsonl"), token, answerFile }),
  };
  onCleanup("HTTP servers", () => {
    for (const s of Object.values(servers)) if (s && s.child.exitCode === null) s.child.kill();
  });
  const target = (s: ServerKind): Target => ({ port: servers[s]!.port, path: "/v1/credit-checks", token });
  const requests = makeRequests(ids, 50_000, SEED + 3000);
  const runs: HttpRun[] = [];
  let tagSeq = 0;
  const measure = async (server: ServerKind, kind: "closed" | "open", level: number, n: number): Promise<HttpRun> => {
    const l = load1();
    const s0 = await servers[server]!.stats();
    const r: LoadResult =
      kind === "closed" ? await closedLoop(target(server), requests, n, level, `h${tagSeq++}`) : await openLoop(target(server), requests, n, level, `h${tagSeq++}`);
    const s1 = await servers[server]!.stats();
    const run: HttpRun = {
      server, kind, level, load1: l, latency: spread(r.latencies), perSecond: r.perSecond, statuses: r.statuses, errors: r.errors,
      serverCpuUsPerRequest: ((s1.cpuMs - s0.cpuMs) * 1000) / n, serverGcMs: s1.gcMs - s0.gcMs, serverGcMaxMs: s1.gcMaxMs, serverHeapMb: s1.heapUsedMb,
      clientCpuUsPerRequest: (r.clientCpuMs * 1000) / n,
      ...(r.maxSendLagMs !== undefined ? { maxSendLagMs: r.maxSendLagMs } : {}),
    };
    say(`  ${server} ${kind === "closed" ? `${level} in flight` : `open loop ${level}/s`}: ${Math.round(run.perSecond)}/s, ${spreadText(run.latency)}; statuses ${JSON.stringify(run.statuses)}${run.errors ? `, ${run.errors} errors` : ""}; server CPU ${run.serverCpuUsPerRequest.toFixed(0)} µs/req, GC ${run.serverGcMs.toFixed(0)} ms (longest ${ms(run.serverGcMaxMs)}), heap ${run.serverHeapMb.toFixed(0)} MB (load ${l})`);
    return run;
  };
  try {
    say("HTTP: warming up…");
    await closedLoop(target("arwatch"), requests, 3000, 8, "warm-a");
    await closedLoop(target("floor"), requests, 3000, 8, "warm-f");
    const levels = options.concurrency.split(",").map((x) => Number(x.trim())).filter((x) => Number.isInteger(x) && x > 0);
    for (const [i, level] of levels.entries()) {
      const order: ("arwatch" | "floor")[] = i % 2 === 0 ? ["floor", "arwatch"] : ["arwatch", "floor"];
      for (const s of order) runs.push(await measure(s, "closed", level, level === 1 ? Math.min(options.httpCount, 5000) : options.httpCount));
    }
    for (const s of ["arwatch", "floor"] as const) runs.push(await measure(s, "open", options.rate, options.httpCount));

    // Reload while requests keep flowing: the open loop again, with a new standing file renamed into
    // place (a copy of the same one: a new inode, as a build's rename makes) twice; the server looks every second.
    say(`HTTP: open loop ${options.rate}/s while the standing is republished twice…`);
    const file = standingPath(db);
    let reloads = 0;
    const republish = () => {
      copyFileSync(file, `${file}.bench-tmp`);
      renameSync(`${file}.bench-tmp`, file);
      reloads++;
    };
    const duration = (options.httpCount / options.rate) * 1000;
    const timers = [setTimeout(republish, duration * 0.2), setTimeout(republish, duration * 0.55)];
    const during = await measure("arwatch", "open", options.rate, options.httpCount);
    timers.forEach(clearTimeout);
    const health = await fetch(`http://127.0.0.1:${servers.arwatch!.port}/health`).then((r) => r.json() as Promise<Record<string, unknown>>).catch((): Record<string, unknown> => ({}));
    // Diagnostic: the same server with its log on tmpfs, where fdatasync is free.
    if (shmDir) {
      await servers.arwatch!.stop();
      say("HTTP: the arwatch server again with its log on tmpfs (what the disk flush costs)…");
      servers["arwatch-tmpfs"] = await startServerChild("arwatch", { db, logFile: join(shmDir, "credit-log.jsonl"), token, answerFile });
      await closedLoop(target("arwatch-tmpfs"), requests, 3000, 8, "warm-t");
      runs.push(await measure("arwatch-tmpfs", "closed", 1, Math.min(options.httpCount, 5000)));
      runs.push(await measure("arwatch-tmpfs", "closed", 16, options.httpCount));
      runs.push(await measure("arwatch-tmpfs", "open", options.rate, options.httpCount));
    }
    return { runs, duringReload: { ...during, reloads, standingLoadedAt: health.standing_loaded_at ?? null } };
  } finally {
    for (const s of Object.values(servers)) await s?.stop();
  }
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<number> {
  installSignalHandlers();
  const startedAt = new Date();
  const { db, setup, workDir } = await prepare();
  const runDir = join(workDir, `run-${startedAt.toISOString().replace(/[:.]/g, "-")}`);
  mkdirSync(runDir, { recursive: true });
  onCleanup("run dir", () => {
    if (options.keep) console.error(`kept the run dir: ${runDir}`);
    else rmSync(runDir, { recursive: true, force: true });
  });
  const file = standingPath(db);
  const logFile = join(runDir, "credit-log.jsonl");
  const config = parseConfig({ creditCheck: { logFile } });
  say(`loading the standing ${file}…`);
  const standing = await loadStanding(file);
  say(`${standing.customers.size.toLocaleString("en-US")} customers, ${standing.orders.size.toLocaleString("en-US")} known orders; build of ${standing.build.asOfDate} at ${standing.build.builtAt}`);
  const log = await CreditLog.open(logFile);
  const service = new CreditService({ config, standing, log });
  const load0 = load1();

  const inproc = await inProcess(service, standing, runDir);
  say("reload: loadStanding + setStanding, each beside a raw DuckDB read of the same tables…");
  const reload = await reloads(service, file);
  await log.close();
  say("the credit check's work in a build, on a copy of the warehouse…");
  const publish = await buildShare(db, runDir, logFile);
  const ids = [...standing.customers.keys()];
  const http = options.skipHttp ? { skipped: "--skip-http" } : await httpPart(db, runDir, ids);
  const loadEnd = load1();

  const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor((values.length - 1) / 2)]!;
  const reloadMedianMs = median(reload.runs.map((r) => r.totalMs));
  const reloadFloorMedianMs = median(reload.runs.map((r) => r.floorMs));
  const publishMedianMs = median(publish.runs.map((r) => r.ms));
  const httpRuns = "runs" in http ? http.runs : [];
  const arwatchRuns = httpRuns.filter((r) => r.server === "arwatch");
  const meetsHttp = (r: HttpRun) => r.latency.p99Ms < TARGET.httpP99Ms && r.perSecond > TARGET.httpPerSecond && r.errors === 0;
  const openArwatch = arwatchRuns.find((r) => r.kind === "open");
  const results = {
    date: localDate(startedAt),
    startedAt: startedAt.toISOString(),
    db,
    scale: { customers: standing.customers.size, knownOrders: standing.orders.size, invoicesRequested: setup.invoices, customersRequested: setup.customers, seed: SEED, asOf: AS_OF },
    machine: machineInfo(`node-api ${duckdbBindingVersion()}`, "not used"),
    loadAverage: { start: load0, end: loadEnd },
    setup,
    inProcess: inproc,
    reload: { ...reload, medianMs: reloadMedianMs, floorMedianMs: reloadFloorMedianMs, ratio: reloadMedianMs / reloadFloorMedianMs },
    publish: { ...publish, medianMs: publishMedianMs, shareOfBuild: setup.buildMs ? publishMedianMs / setup.buildMs : null },
    http,
    targets: {
      decisionP99: { targetMs: TARGET.decisionP99Ms, checkSyncP99Ms: inproc.checkSync.p99Ms, met: inproc.checkSync.p99Ms < TARGET.decisionP99Ms, awaitedOneByOneP99Ms: inproc.checkAwaitedOneByOne.p99Ms },
      http: {
        targetP99Ms: TARGET.httpP99Ms,
        targetPerSecond: TARGET.httpPerSecond,
        openLoop: openArwatch ? { rate: openArwatch.level, p99Ms: openArwatch.latency.p99Ms, perSecond: openArwatch.perSecond, met: meetsHttp(openArwatch) } : null,
        closedLoopLevelsMeetingBoth: arwatchRuns.filter((r) => r.kind === "closed" && meetsHttp(r)).map((r) => r.level),
      },
      reload: { targetMs: TARGET.reloadMs, medianMs: reloadMedianMs, maxMs: Math.max(...reload.runs.map((r) => r.totalMs)), met: Math.max(...reload.runs.map((r) => r.totalMs)) < TARGET.reloadMs },
    },
  };

  const i = inproc;
  const lines = [
    `arwatch credit check — ${results.scale.customers.toLocaleString("en-US")} customers, ${results.scale.knownOrders.toLocaleString("en-US")} known orders; ${results.machine.cpus} × ${results.machine.cpuModel}; load average ${load0} → ${loadEnd}`,
    "in-process (ms per call):",
    `  floor (Map + BigInt)         ${spreadText(i.floor)}`,
    `  assess() alone               ${spreadText(i.assess)}`,
    `  check() synchronous part     ${spreadText(i.checkSync)}`,
    `  check() awaited, ${String(i.checkAwaitedBatch.batch).padEnd(2)} in flight ${spreadText(i.checkAwaitedBatch)}; ${Math.round(i.checkAwaitedBatch.checksPerSecond)} checks/s`,
    `  check() awaited, one by one  ${spreadText(i.checkAwaitedOneByOne)}; ${Math.round(i.checkAwaitedOneByOne.checksPerSecond)} checks/s`,
    `  floor: write + fdatasync     ${spreadText(i.fdatasyncFloor)}`,
    `  ratios: check() sync p99 / floor p99 ${i.ratios.checkSyncP99OverFloorP99.toFixed(1)}×, mean ${i.ratios.checkSyncMeanOverFloorMean.toFixed(1)}×; assess p99 / floor p99 ${i.ratios.assessP99OverFloorP99.toFixed(1)}×`,
    `  decisions: ${JSON.stringify(i.decisions)}; heap retained per check ${Math.round(i.heapRetainedBytesPerCheck)} bytes; GC during the rounds ${i.gc.count}×, ${ms(i.gc.totalMs)} ms, longest ${ms(i.gc.maxMs)} ms`,
    `  one customer, ${i.hotCustomer.checks} checks: first 1000 ${spreadText(i.hotCustomer.first1000)}; last 1000 ${spreadText(i.hotCustomer.last1000)}; ${i.hotCustomer.pendingApprovalsAtEnd} pending approvals`,
    `  target: decision p99 < ${TARGET.decisionP99Ms} ms: ${ms(i.checkSync.p99Ms)} ms, ${results.targets.decisionP99.met ? "met" : "MISSED"}`,
    `reload: median ${ms(reloadMedianMs)} ms (floor ${ms(reloadFloorMedianMs)} ms, ${results.reload.ratio.toFixed(1)}×), max ${ms(results.targets.reload.maxMs)} ms; longest event-loop stall ${ms(Math.max(...reload.runs.map((r) => r.maxEventLoopStallMs)))} ms; target < ${TARGET.reloadMs} ms ${results.targets.reload.met ? "met" : "MISSED"}`,
    `publishStanding: median ${ms(publishMedianMs)} ms${setup.buildMs ? ` = ${((publishMedianMs / setup.buildMs) * 100).toFixed(1)} % of the build's ${(setup.buildMs / 1000).toFixed(1)} s` : ""}; ${(publish.bytes / 2 ** 20).toFixed(1)} MB`,
    `  also in each build: the log (${publish.creditLog.checks.toLocaleString("en-US")} checks) into credit.checks ${ms(publish.creditLog.ms)} ms; the holds: session ${ms(publish.holds.sessionMs)} + holds() ${ms(publish.holds.holdsMs)} + writeHolds ${ms(publish.holds.writeMs)} ms` +
      (setup.buildMs ? `; all the credit check's work ${(((publishMedianMs + publish.creditLog.ms + publish.holds.sessionMs + publish.holds.holdsMs + publish.holds.writeMs) / setup.buildMs) * 100).toFixed(1)} % of the build` : ""),
  ];
  if ("runs" in http) {
    lines.push("HTTP (ms per request, client side):");
    for (const r of http.runs) {
      lines.push(
        `  ${r.server.padEnd(13)} ${(r.kind === "closed" ? `${r.level} in flight` : `${r.level}/s offered`).padEnd(14)} ${String(Math.round(r.perSecond)).padStart(6)}/s  ${spreadText(r.latency)}; server CPU ${r.serverCpuUsPerRequest.toFixed(0)} µs/req, longest GC ${ms(r.serverGcMaxMs)} ms, heap ${r.serverHeapMb.toFixed(0)} MB${r.errors ? `; ${r.errors} errors` : ""}`,
      );
    }
    if (http.duringReload) {
      const d = http.duringReload;
      lines.push(`  arwatch ${d.level}/s offered, ${d.reloads} reloads meanwhile: ${Math.round(d.perSecond)}/s  ${spreadText(d.latency)}; statuses ${JSON.stringify(d.statuses)}; errors ${d.errors}`);
    }
    const o = results.targets.http.openLoop;
    lines.push(`  target: p99 < ${TARGET.httpP99Ms} ms at > ${TARGET.httpPerSecond}/s: open loop ${o ? `${ms(o.p99Ms)} ms at ${Math.round(o.perSecond)}/s, ${o.met ? "met" : "MISSED"}` : "—"}; closed-loop levels meeting both: ${results.targets.http.closedLoopLevelsMeetingBoth.join(", ") || "none"}`);
  } else {
    lines.push(`HTTP: not measured (${http.skipped})`);
  }
  console.log(lines.join("\n"));
  const file2 = join(BENCH_DIR, "results", `credit-${results.date}${options.label ? `-${options.label}` : ""}.json`);
  mkdirSync(dirname(file2), { recursive: true });
  writeFileSync(file2, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`results written to ${file2}`);
  return 0;
}

runMain(main);
