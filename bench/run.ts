/**
 * The benchmark: arwatch against its floor (raw DuckDB doing only the work asked) and its peer
 * (PostgreSQL 15 doing the same), on the same generated extracts, twice:
 * - the aging (issue 2): arwatch ingest + `build --select +rpt_aging` vs load + one aging query;
 * - the month-end history (issue 3): arwatch `build --select fct_month_end_aging` vs the
 *   straightforward month-end join (month-end-sql.ts) on the same loaded data.
 * The full build (all marts) is timed too, as information; then the report site is built from it
 * (issue 4: in under 2 minutes) and its heaviest pages opened in headless Chromium to measure the
 * data each loads (issue 4: ≤ 2 MB per page), see site-pages.ts.
 *
 *   npm run bench -- [--invoices N] [--customers N] [--runs N] [--aging-only] [--label NAME] [--keep] [--extracts DIR]
 *   npm run bench -- credit | source-mapping | xlsx | currencies | notify | notify-delivery | full-build [its options]
 *
 * The aging comparison (issue 7's ratio) runs --runs times on each side, interleaved, and is
 * judged on the medians; everything else runs once, on the first run's warehouse.
 *
 * Never part of npm test: it takes minutes at the default scale and starts a database server.
 * See bench/README.md for what each figure means.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, readdirSync, rmSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { version as duckdbBindingVersion } from "@duckdb/node-api";
import { Command } from "commander";
import { installSignalHandlers, onCleanup, runAllCleanups } from "./cleanup.ts";
import { arwatchRun, currentLoad, floorRun, summariseAgingRuns, type ArwatchAgingRun, type FloorAgingRun } from "./aging-runs.ts";
import { EXTRA_STEPS } from "./extra-steps.ts";
import type { FloorMonthEndResult, FloorResult } from "./floor-duckdb.ts";
import { HISTORY_MONTHS, MONTH_END_BUCKET_SQL, MONTH_END_ITEMS_SQL, MONTH_END_TOTALS_SQL, monthEnds } from "./month-end-sql.ts";
import { PG_BIN, PG_MONTH_END_TIMEOUT, PG_SETTINGS, runPeer, type PeerResult } from "./peer-postgres.ts";
import { formatReport, localDate, machineInfo, writeResults, type Ratio, type Results, type StepFigure } from "./report.ts";
import { TARGET_FULL_BUILD_CUSTOMERS, TARGET_FULL_BUILD_INVOICES, TARGET_FULL_BUILD_S, WATCHED_MODELS, parseModelTimes, slowestModels } from "./model-times.ts";
import { measureSite, siteProblems, type SiteFigures } from "./site-pages.ts";
import { HAS_TIME_BIN, TIME_BIN, runStep, tail, type StepRun } from "./steps.ts";
import { TABLE_NAMES, csvPathOf } from "./tables.ts";
import { compareMonthEndBuckets, compareMonthEnds, compareTotals, monthEndBucketTotals, totalsFromRows, type BucketTotals } from "./totals.ts";
import { count } from "./options.ts";

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const REPO_DIR = resolve(BENCH_DIR, "..");
const ARWATCH = join(REPO_DIR, "bin", "arwatch.js");
/** Fixed so that runs on different days measure the same data. */
const AS_OF = "2026-06-30";
const SEED = 42;
// Issue 7: ingest + the aging build within 1.5× of raw DuckDB doing the same work (issue 2 asked 2×).
const TARGET_OVER_FLOOR = 1.5;
const TARGET_PEER_SPEEDUP = 3;
/** Issue 3: "aim for under 2 s" for the month-end history at 1M invoices × 24 month-ends. */
const TARGET_MONTH_END_S = 2;
const TARGET_MONTH_END_INVOICES = 1_000_000;
/** Issue 4: "a site for 100,000 customers / 1M invoices must build in under 2 minutes". */
const TARGET_SITE_BUILD_S = 120;
const TARGET_SITE_INVOICES = 1_000_000;
const TARGET_SITE_CUSTOMERS = 100_000;
/** arwatch's default history.months; the work dir has no config, so arwatch uses it too. */
const MONTH_ENDS = monthEnds(AS_OF, HISTORY_MONTHS);

/**
 * The other suites, each a script of its own with its own options: `npm run bench -- credit`,
 * `npm run bench -- source-mapping --rows 1000000`, … (bench/README.md says what each measures).
 */
const SUITES: Record<string, string> = {
  credit: "credit.ts",
  "source-mapping": "source-mapping.ts",
  xlsx: "xlsx.ts",
  currencies: "currencies.ts",
  notify: "notify.ts",
  "notify-delivery": "notify-delivery.ts",
  "full-build": "full-build.ts",
};
const suite = SUITES[process.argv[2] ?? ""];
if (suite) {
  const child = spawnSync(process.execPath, ["--import", "tsx", join(BENCH_DIR, suite), ...process.argv.slice(3)], { stdio: "inherit" });
  process.exit(child.status ?? 1);
}

const options = new Command("bench")
  .description("benchmark arwatch against raw DuckDB (the floor) and PostgreSQL 15 (the peer)")
  .option("--invoices <n>", "ledger documents to generate", count("--invoices"), 1_000_000)
  .option("--customers <n>", "customers to generate (default invoices ÷ 50)", count("--customers"))
  .option("--runs <n>", "runs of the aging comparison on each side (medians are compared)", count("--runs"), 3)
  .option("--aging-only", "only the aging comparison (issue 7's ratio): no full build, site, month-end history or PostgreSQL", false)
  .option("--label <name>", "write bench/results/<date>-<name>.json instead of <date>.json (e.g. 10m)")
  .option("--keep", "keep the work dir (extracts, databases, logs) for inspection", false)
  .option("--extracts <dir>", "use these extracts instead of generating (e.g. bench/fixtures/tiny)")
  .parse()
  .opts<{ invoices: number; customers?: number; runs: number; agingOnly: boolean; label?: string; keep: boolean; extracts?: string }>();
if (options.label !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(options.label)) {
  console.error("bench: --label takes letters, digits, '.', '_' and '-' (it names a file)");
  process.exit(1);
}

const invoices = options.invoices;
const customers = options.customers ?? Math.max(1, Math.floor(invoices / 50));

const node = process.execPath;
const stamp = new Date().toISOString().replace(/[:.]/g, "-");
const workDir = join(BENCH_DIR, "work", stamp);
const logDir = join(workDir, "logs");
const failures: string[] = [];

/** Keeps going after a failed step, so that one broken engine still leaves the others' figures. */
function check(run: StepRun): boolean {
  if (!run.ok) {
    failures.push(`${run.name} (exit ${run.exitCode ?? run.signal}; log ${run.logFile})`);
    console.error(`  ${run.name} FAILED:\n${tail(run)}`);
  }
  return run.ok;
}

function say(message: string): void {
  console.error(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
}

const arwatchSql = (name: string, db: string, query: string) =>
  runStep(name, node, [ARWATCH, "sql", query, "--db", db, "--format", "json"], { cwd: workDir, logDir, measureRss: false });

async function arwatchTotals(db: string): Promise<{ totals?: BucketTotals; openItems: number | null }> {
  const sql = (name: string, query: string) => arwatchSql(name, db, query);
  const totalsRun = await sql("arwatch totals", "select aging_bucket, sum(outstanding_amount) from marts.fct_open_items group by 1");
  if (!check(totalsRun)) return { openItems: null };
  const rows = JSON.parse(totalsRun.stdout) as Record<string, unknown>[];
  const totals = totalsFromRows(rows.map((r) => Object.values(r) as [unknown, unknown]));
  const countRun = await sql("arwatch open items", "select count(*) as n from marts.fct_open_items");
  const n = countRun.ok ? Number(Object.values((JSON.parse(countRun.stdout) as Record<string, unknown>[])[0] ?? {})[0]) : null;
  return { totals, openItems: n };
}

/** Outstanding per month-end (and per month-end × bucket) of marts.fct_month_end_aging, and its open items over all month-ends. */
async function arwatchMonthEndTotals(db: string): Promise<{ totals?: BucketTotals; buckets?: BucketTotals; openItems: number | null }> {
  const totalsRun = await arwatchSql("arwatch month-end totals", db, MONTH_END_TOTALS_SQL.arwatch);
  if (!check(totalsRun)) return { openItems: null };
  const rows = JSON.parse(totalsRun.stdout) as Record<string, unknown>[];
  const totals = totalsFromRows(rows.map((r) => Object.values(r) as [unknown, unknown]));
  const bucketRun = await arwatchSql("arwatch month-end bucket totals", db, MONTH_END_BUCKET_SQL.arwatch);
  const buckets = check(bucketRun)
    ? monthEndBucketTotals((JSON.parse(bucketRun.stdout) as Record<string, unknown>[]).map((r) => Object.values(r) as [unknown, unknown, unknown]))
    : undefined;
  const countRun = await arwatchSql("arwatch month-end open items", db, MONTH_END_ITEMS_SQL.arwatch);
  const n = countRun.ok ? Number(Object.values((JSON.parse(countRun.stdout) as Record<string, unknown>[])[0] ?? {})[0]) : null;
  return { totals, buckets, openItems: n };
}

function extractsBytes(dir: string): number {
  return readdirSync(dir)
    .filter((f) => f.endsWith(".csv"))
    .reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
}

function postgresVersion(): string {
  const r = spawnSync(join(PG_BIN, "postgres"), ["--version"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : "PostgreSQL not found";
}

async function main(): Promise<number> {
  installSignalHandlers();
  mkdirSync(logDir, { recursive: true });
  // PostgreSQL's server-side COPY reads the extracts as the postgres user.
  chmodSync(join(BENCH_DIR, "work"), 0o755);
  chmodSync(workDir, 0o755);
  // Registered first, so it runs last: after PostgreSQL has been stopped.
  onCleanup("work dir", () => {
    if (options.keep) console.error(`kept the work dir: ${workDir}`);
    else rmSync(workDir, { recursive: true, force: true });
  });
  if (!HAS_TIME_BIN) say(`${TIME_BIN} is absent: peak RSS of arwatch and the floor will be reported as —`);

  const startedAt = new Date();
  let extracts: string;
  const steps: StepFigure[] = [];

  // 1. Extracts.
  if (options.extracts) {
    extracts = resolve(options.extracts);
    say(`using existing extracts in ${extracts}`);
  } else {
    extracts = join(workDir, "extracts");
    say(`generating ${invoices.toLocaleString("en-US")} invoices for ${customers.toLocaleString("en-US")} customers…`);
    const gen = await runStep(
      "generate",
      node,
      [ARWATCH, "generate", "--out", extracts, "--invoices", String(invoices), "--customers", String(customers), "--seed", String(SEED), "--as-of", AS_OF],
      { cwd: workDir, logDir },
    );
    steps.push({ step: "generate extracts", group: "info", ok: gen.ok, wallMs: gen.wallMs, rowsPerSec: null, peakRssKb: gen.peakRssKb, note: "(not compared)" });
    if (!check(gen)) throw new Error("cannot benchmark without extracts; use --extracts DIR to supply some");
    for (const f of readdirSync(extracts)) chmodSync(join(extracts, f), 0o644);
  }
  for (const t of TABLE_NAMES) csvPathOf(extracts, t);

  // 2. arwatch, one child process per step. cwd is the work dir, so that the archive of
  // ingested files (data/archive, relative) lands there and is deleted with it, and no
  // arwatch.config.yaml of the checkout changes what is measured.
  const arwatchDb = join(workDir, "arwatch.duckdb");
  say("arwatch start-up (--help)…");
  const startup = await runStep("arwatch start-up", node, [ARWATCH, "--help"], { cwd: workDir, logDir });
  steps.push({ step: "arwatch start-up (--help)", group: "info", ok: startup.ok, wallMs: startup.wallMs, rowsPerSec: null, peakRssKb: startup.peakRssKb, note: "(included in every arwatch step)" });
  check(startup);
  // The aging comparison, --runs times on each side, interleaved: arwatch ingest + build
  // +rpt_aging (rpt_aging and everything upstream of it, with their tests: what the floor's load +
  // aging answers), and the floor in a process of its own (see floor-child.ts). Run 1 uses the
  // work dir itself and its warehouse serves every later step; later runs use runs/<n>/, deleted
  // after each (at 10M a warehouse and its archive are gigabytes).
  const floorDb = join(workDir, "floor.duckdb");
  const arwatchRuns: ArwatchAgingRun[] = [];
  const floorRuns: FloorAgingRun[] = [];
  let ingest!: StepRun;
  let build: StepRun | undefined;
  let floorRunStep!: StepRun;
  let floor: FloorResult | undefined;
  const runArwatch = async (run: number) => {
    const first = run === 1;
    const dir = first ? workDir : join(workDir, "runs", String(run));
    mkdirSync(dir, { recursive: true });
    const db = join(dir, "arwatch.duckdb");
    const suffix = first ? "" : ` (run ${run})`;
    const loadBefore = currentLoad();
    say(`arwatch ingest${suffix}…`);
    const i = await runStep(`arwatch ingest${suffix}`, node, [ARWATCH, "ingest", extracts, "--db", db], { cwd: dir, logDir });
    let b: StepRun | undefined;
    if (check(i)) {
      say(`arwatch build --select +rpt_aging${suffix}…`);
      b = await runStep(`arwatch build +rpt_aging${suffix}`, node, [ARWATCH, "build", "--select", "+rpt_aging", "--db", db, "--as-of", AS_OF], { cwd: dir, logDir });
      check(b);
    }
    arwatchRuns.push(arwatchRun(run, i, b, loadBefore));
    if (first) [ingest, build] = [i, b];
    else rmSync(dir, { recursive: true, force: true });
  };
  const runFloor = async (run: number) => {
    const first = run === 1;
    const db = first ? floorDb : join(workDir, `floor-${run}.duckdb`);
    const loadBefore = currentLoad();
    say(`floor: raw DuckDB load + aging${first ? "" : ` (run ${run})`}…`);
    const step = await runStep(`floor duckdb${first ? "" : ` run ${run}`}`, node, ["--import", "tsx", join(BENCH_DIR, "floor-child.ts"), extracts, db, AS_OF], { cwd: REPO_DIR, logDir });
    const result = check(step) ? (JSON.parse(step.stdout.trim().split("\n").pop() ?? "{}") as FloorResult) : undefined;
    floorRuns.push(floorRun(run, step, result, loadBefore));
    if (first) [floorRunStep, floor] = [step, result];
    else for (const f of [db, `${db}.wal`]) rmSync(f, { force: true });
  };
  for (let run = 1; run <= options.runs; run++) {
    // Alternate which side goes first, so that neither always runs on the cooler machine.
    if (run % 2 === 1) {
      await runArwatch(run);
      await runFloor(run);
    } else {
      await runFloor(run);
      await runArwatch(run);
    }
  }
  const agingRuns = summariseAgingRuns(arwatchRuns, floorRuns);
  // The totals are read from what the first run's build made.
  const arwatch = build?.ok ? await arwatchTotals(arwatchDb) : { openItems: null };
  // Then the full build (all marts), as information; and the month-end history alone (issue 3):
  // fct_month_end_aging rebuilt with its tests, its upstream being views.
  let buildAll: StepRun | undefined;
  let buildMonthEnd: StepRun | undefined;
  let siteBuild: StepRun | undefined;
  let site: SiteFigures | undefined;
  const extraRuns: { step: (typeof EXTRA_STEPS)[number]; run: StepRun }[] = [];
  if (ingest.ok && !options.agingOnly) {
    say("arwatch build (all marts)…");
    buildAll = await runStep("arwatch build all", node, [ARWATCH, "build", "--db", arwatchDb, "--as-of", AS_OF], { cwd: workDir, logDir });
    if (check(buildAll)) {
      // The report site from the full build (issue 4), then what its heaviest pages load in a
      // browser. The as-of date is the warehouse's (meta.build_params), so none is passed.
      const siteDir = join(workDir, "site");
      say("arwatch report build…");
      siteBuild = await runStep("arwatch report build", node, [ARWATCH, "report", "build", "--db", arwatchDb, "--out", siteDir], { cwd: workDir, logDir });
      if (check(siteBuild)) {
        say("report site: the heaviest pages in headless Chromium…");
        site = await measureSite(siteDir, say);
        for (const problem of siteProblems(site)) {
          failures.push(problem);
          console.error(`  ${problem}`);
        }
      }
      say("arwatch build --select fct_month_end_aging…");
      buildMonthEnd = await runStep(
        "arwatch build fct_month_end_aging",
        node,
        [ARWATCH, "build", "--select", "fct_month_end_aging", "--db", arwatchDb, "--as-of", AS_OF],
        { cwd: workDir, logDir },
      );
      check(buildMonthEnd);
      // Steps other stages add (extra-steps.ts), on the fully built warehouse.
      for (const step of EXTRA_STEPS) {
        say(`${step.name}…`);
        const run = await runStep(step.name, node, [ARWATCH, ...step.args({ db: arwatchDb, asOf: AS_OF, workDir, extracts })], { cwd: workDir, logDir });
        check(run);
        extraRuns.push({ step, run });
      }
    }
  }
  const arwatchMonthEnd = buildMonthEnd?.ok ? await arwatchMonthEndTotals(arwatchDb) : { openItems: null };

  // 3. The floor's month-end join on the database its first run loaded, in a process of its own
  // (its own peak RSS; it opens the file as arwatch's build --select fct_month_end_aging opens its warehouse).
  let floorMonthEndRun: StepRun | undefined;
  let floorMonthEnd: FloorMonthEndResult | undefined;
  if (floor && !options.agingOnly) {
    say(`floor: month-end join (${MONTH_ENDS.length} month-ends)…`);
    floorMonthEndRun = await runStep(
      "floor duckdb month-end",
      node,
      ["--import", "tsx", join(BENCH_DIR, "floor-child.ts"), "--month-end", floorDb, MONTH_ENDS.join(",")],
      { cwd: REPO_DIR, logDir },
    );
    if (check(floorMonthEndRun)) floorMonthEnd = JSON.parse(floorMonthEndRun.stdout.trim().split("\n").pop() ?? "{}") as FloorMonthEndResult;
  }
  // Disk, not memory, is what 10M invoices run short of: drop the floor's copy unless asked to keep it.
  if (!options.keep) for (const f of [floorDb, `${floorDb}.wal`]) rmSync(f, { force: true });

  // 4. The peer: load, aging, then the month-end join (under a statement_timeout).
  say(`peer: PostgreSQL load + aging + month-end join (${Object.entries(PG_SETTINGS).map(([k, v]) => `${k}=${v}`).join(", ")})…`);
  let peer: PeerResult | undefined;
  if (!options.agingOnly) try {
    peer = await runPeer(extracts, workDir, AS_OF, logDir, { monthEnds: MONTH_ENDS });
    const me = peer.monthEnd;
    if (me?.timedOut) say(`  postgres month-end join TIMED OUT after ${(me.wallMs / 1000).toFixed(1)} s (statement_timeout ${PG_MONTH_END_TIMEOUT})`);
    else if (me && !me.ok) {
      failures.push(`postgres month-end join (${me.error?.split("\n")[0] ?? "failed"})`);
      console.error(`  postgres month-end join FAILED: ${me.error ?? ""}`);
    }
  } catch (e) {
    failures.push(`postgres: ${(e as Error).message}`);
    console.error(`  postgres FAILED: ${(e as Error).message}`);
  }

  // 5. Figures. Rows are counted by the engines that loaded them, not by counting lines.
  const loaded = floor?.rows ?? peer?.rows;
  const inputRows = loaded ? loaded.invoices + loaded.payments : null;
  const perSec = (ms: number | null) => (inputRows === null || ms === null || ms <= 0 ? null : (inputRows * 1000) / ms);
  const fig = (step: string, group: StepFigure["group"], ok: boolean, wallMs: number | null, peakRssKb: number | null, extra: Partial<StepFigure> = {}): StepFigure => ({
    step, group, ok, wallMs: ok ? wallMs : null, rowsPerSec: ok ? perSec(wallMs) : null, peakRssKb: ok ? peakRssKb : null, ...extra,
  });
  const maxRss = (...kb: (number | null | undefined)[]) => {
    const known = kb.filter((k): k is number => typeof k === "number");
    return known.length ? Math.max(...known) : null;
  };

  // The aging figures are medians over the runs (one run: its own figures).
  const median = (name: string) => agingRuns.spreads[name]?.median ?? null;
  const okRuns = arwatchRuns.filter((r) => r.ok).length;
  const okFloorRuns = floorRuns.filter((r) => r.ok).length;
  const arwatchOk = okRuns > 0;
  const arwatchMs = median("arwatch ingest+build wall");
  const floorMs = median("floor load+aging wall");
  const ofRuns = (n: number) => (options.runs > 1 ? `median of ${n} run(s)` : "");
  const withRuns = (n: number, note?: string) => {
    const parts = [ofRuns(n), note?.replace(/^\((.*)\)$/, "$1")].filter(Boolean);
    return parts.length ? `(${parts.join("; ")})` : undefined;
  };
  const maxOf = (xs: (number | null)[]) => maxRss(...xs);
  const peerMs = peer ? peer.load.wallMs + peer.aging.wallMs : null;
  const arwatchMonthEndMs = buildMonthEnd?.ok ? buildMonthEnd.wallMs : null;
  const floorMonthEndMs = floorMonthEnd ? floorMonthEnd.monthEndMs : null;
  const peerMonthEnd = peer?.monthEnd;
  // A timeout leaves a lower bound, used as such in its ratio.
  const peerMonthEndMs = peerMonthEnd && (peerMonthEnd.ok || peerMonthEnd.timedOut) ? peerMonthEnd.wallMs : null;

  const aging = { comparison: "aging" } as const;
  const monthEnd = { comparison: "month-end" } as const;
  steps.push(
    fig("arwatch ingest", "arwatch", arwatchOk, median("arwatch ingest wall"), ingest.peakRssKb, { ...aging, note: withRuns(okRuns) }),
    fig("arwatch build --select +rpt_aging", "arwatch", arwatchOk, median("arwatch build +rpt_aging wall"), build?.peakRssKb ?? null, {
      ...aging,
      note: withRuns(okRuns, "(staging, intermediate, aging marts + their tests)"),
    }),
    fig("arwatch ingest+build (aging scope)", "arwatch", arwatchOk, arwatchMs, maxOf(arwatchRuns.map((r) => r.peakRssKb)), { ...aging, total: true, note: withRuns(okRuns) }),
    fig("arwatch build (all marts)", "info", buildAll?.ok === true, buildAll?.wallMs ?? null, buildAll?.peakRssKb ?? null, {
      note: `(issue 7, target < ${TARGET_FULL_BUILD_S} s at 100,000 customers / 1M documents; in no ratio)`,
    }),
    fig("arwatch report build", "info", siteBuild?.ok === true, siteBuild?.wallMs ?? null, siteBuild?.peakRssKb ?? null, {
      note: `(issue 4, target < ${TARGET_SITE_BUILD_S} s; RSS: largest process, arwatch or Framework)`,
    }),
    fig("floor load", "floor", okFloorRuns > 0, median("floor load wall"), null, { ...aging, note: withRuns(okFloorRuns, "(every extract arwatch ingests; RSS: see total, one process)") }),
    fig("floor aging", "floor", okFloorRuns > 0, median("floor aging wall"), null, { ...aging, note: withRuns(okFloorRuns) }),
    fig("floor load+aging", "floor", okFloorRuns > 0, floorMs, maxOf(floorRuns.map((r) => r.peakRssKb)), {
      ...aging,
      total: true,
      note: withRuns(okFloorRuns, `(process incl. start-up: ${((median("floor process wall") ?? floorRunStep.wallMs) / 1000).toFixed(2)} s)`),
    }),
    fig("postgres load", "postgres", !!peer, peer?.load.wallMs ?? null, peer?.load.peakRssKb ?? null, { ...aging, note: "(RSS: server, sampled)" }),
    fig("postgres aging", "postgres", !!peer, peer?.aging.wallMs ?? null, peer?.aging.peakRssKb ?? null, aging),
    fig("postgres load+aging", "postgres", !!peer, peerMs, maxRss(peer?.load.peakRssKb, peer?.aging.peakRssKb), { ...aging, total: true }),
    fig("arwatch month-end history (fct_month_end_aging)", "arwatch", buildMonthEnd?.ok === true, arwatchMonthEndMs, buildMonthEnd?.peakRssKb ?? null, {
      ...monthEnd,
      note: `(build --select fct_month_end_aging, ${MONTH_ENDS.length} month-ends)`,
    }),
    fig("floor month-end join", "floor", !!floorMonthEnd, floorMonthEndMs, floorMonthEndRun?.peakRssKb ?? null, {
      ...monthEnd,
      note: floorMonthEndRun ? `(process incl. start-up: ${(floorMonthEndRun.wallMs / 1000).toFixed(2)} s)` : undefined,
    }),
    peerMonthEnd?.timedOut
      ? {
          step: "postgres month-end join", group: "postgres", ...monthEnd, ok: false, timedOut: true,
          wallMs: peerMonthEnd.wallMs, rowsPerSec: null, peakRssKb: peerMonthEnd.peakRssKb,
          note: `(statement_timeout ${PG_MONTH_END_TIMEOUT}: a finding, not a failure)`,
        }
      : fig("postgres month-end join", "postgres", peerMonthEnd?.ok === true, peerMonthEnd?.wallMs ?? null, peerMonthEnd?.peakRssKb ?? null, monthEnd),
    ...extraRuns.map(({ step, run }) =>
      fig(step.name, "info", run.ok, run.wallMs, run.peakRssKb, { note: [step.note, run.cpuMs === null ? "" : `(CPU ${(run.cpuMs / 1000).toFixed(2)} s)`].filter(Boolean).join(" ") }),
    ),
  );
  // With --aging-only the other steps did not run: leave them out rather than show them as failed.
  if (options.agingOnly) {
    const kept = steps.filter((f) => f.comparison === "aging" && f.group !== "postgres");
    steps.splice(0, steps.length, ...steps.filter((f) => f.group === "info" && !/build \(all marts\)|report build/.test(f.step)), ...kept);
  }

  const ratio = (label: string, num: number | null, den: number | null, target: string, met: (v: number) => boolean): Ratio => {
    const value = num !== null && den !== null && den > 0 ? num / den : null;
    return { label, value, target, met: value === null ? null : met(value) };
  };
  const atTargetScale = !options.extracts && invoices === TARGET_MONTH_END_INVOICES && MONTH_ENDS.length === 24;
  const peerTimedOut = peerMonthEnd?.timedOut === true;
  const atSiteScale = !options.extracts && invoices === TARGET_SITE_INVOICES && customers === TARGET_SITE_CUSTOMERS;
  const atFullBuildScale = !options.extracts && invoices === TARGET_FULL_BUILD_INVOICES && customers === TARGET_FULL_BUILD_CUSTOMERS;
  const fullBuildMs = buildAll?.ok ? buildAll.wallMs : null;
  const fullBuildModels = buildAll?.ok ? parseModelTimes(`${buildAll.stdout}\n${buildAll.stderr}`) : [];
  const siteBuildMs = siteBuild?.ok ? siteBuild.wallMs : null;
  const heaviestKb = site?.maxPageDataBytes == null ? null : site.maxPageDataBytes / 1024;
  // The first two are the aging comparison's (kept alone with --aging-only).
  const ratios: Ratio[] = [
    {
      ...ratio("arwatch (ingest + build +rpt_aging) ÷ floor (load+aging)", arwatchMs, floorMs, `≤ ${TARGET_OVER_FLOOR}×`, (v) => v <= TARGET_OVER_FLOOR),
      ...(options.runs > 1 ? { note: `(medians of ${options.runs} runs, wall)` } : {}),
    },
    {
      label: "the same, CPU time (user + system)",
      value: agingRuns.ratio.cpu,
      target: "none set (information: moves less with the machine's load)",
      met: null,
    },
    ratio("postgres (load+aging) ÷ arwatch (ingest + build +rpt_aging)", peerMs, arwatchMs, `≥ ${TARGET_PEER_SPEEDUP}×`, (v) => v >= TARGET_PEER_SPEEDUP),
    {
      label: "arwatch month-end history (issue 3)",
      value: arwatchMonthEndMs === null ? null : arwatchMonthEndMs / 1000,
      unit: "s",
      target: `< ${TARGET_MONTH_END_S} s at 1M invoices × 24 month-ends`,
      met: arwatchMonthEndMs === null || !atTargetScale ? null : arwatchMonthEndMs / 1000 < TARGET_MONTH_END_S,
      ...(atTargetScale ? {} : { note: "(the target is for the default 1M invoices)" }),
    },
    { ...ratio("arwatch month-end ÷ floor month-end join", arwatchMonthEndMs, floorMonthEndMs, "none set", () => true), met: null },
    {
      ...ratio("postgres month-end join ÷ arwatch month-end", peerMonthEndMs, arwatchMonthEndMs, "none set (issue 3 asks for it)", () => true),
      met: null,
      ...(peerTimedOut ? { lowerBound: true, note: `(postgres timed out at ${PG_MONTH_END_TIMEOUT})` } : {}),
    },
    {
      label: "arwatch full build (issue 7)",
      value: fullBuildMs === null ? null : fullBuildMs / 1000,
      unit: "s",
      target: `< ${TARGET_FULL_BUILD_S} s at 100,000 customers / 1M documents`,
      met: fullBuildMs === null || !atFullBuildScale ? null : fullBuildMs / 1000 < TARGET_FULL_BUILD_S,
      ...(atFullBuildScale ? {} : { note: "(the target is for --invoices 1000000 --customers 100000)" }),
    },
    {
      label: "arwatch report build (issue 4)",
      value: siteBuildMs === null ? null : siteBuildMs / 1000,
      unit: "s",
      target: `< ${TARGET_SITE_BUILD_S} s at 100,000 customers / 1M invoices`,
      met: siteBuildMs === null || !atSiteScale ? null : siteBuildMs / 1000 < TARGET_SITE_BUILD_S,
      ...(atSiteScale ? {} : { note: "(the target is for --invoices 1000000 --customers 100000)" }),
    },
    {
      label: "report site: heaviest page's data (issue 4)",
      value: heaviestKb,
      unit: "KB",
      target: `≤ ${((site?.targetPageDataBytes ?? 2 ** 21) / 1024).toLocaleString("en-US")} KB per page`,
      met: heaviestKb === null ? null : site!.pagesOver.length === 0,
      ...(atSiteScale || heaviestKb === null ? {} : { note: "(judged at every scale; issue 4's is 100,000 customers)" }),
    },
  ];

  if (options.agingOnly) ratios.splice(2);
  const agreement = compareTotals({
    arwatch: arwatch.totals,
    floor: floor ? totalsFromRows(floor.totals) : undefined,
    postgres: peer ? totalsFromRows(peer.totals) : undefined,
  });
  const monthEndAgreement = compareMonthEnds({
    arwatch: arwatchMonthEnd.totals,
    floor: floorMonthEnd ? totalsFromRows(floorMonthEnd.totals) : undefined,
    postgres: peerMonthEnd?.totals ? totalsFromRows(peerMonthEnd.totals) : undefined,
  });
  const monthEndItems = { arwatch: arwatchMonthEnd.openItems, floor: floorMonthEnd?.openItems ?? null, postgres: peerMonthEnd?.openItems ?? null };
  // The open-item count is compared too: an item applied in one engine and unapplied in another
  // can leave every amount equal (the two cancel) and still be different work.
  const monthEndItemsAgree = new Set(Object.values(monthEndItems).filter((n): n is number => n !== null)).size <= 1;
  const monthEndBuckets = compareMonthEndBuckets({
    arwatch: arwatchMonthEnd.buckets,
    floor: floorMonthEnd ? monthEndBucketTotals(floorMonthEnd.bucketTotals) : undefined,
    postgres: peerMonthEnd?.bucketTotals ? monthEndBucketTotals(peerMonthEnd.bucketTotals) : undefined,
  });

  const results: Results = {
    date: localDate(startedAt),
    startedAt: startedAt.toISOString(),
    scale: {
      invoicesRequested: invoices,
      customersRequested: customers,
      seed: SEED,
      asOf: AS_OF,
      extracts: options.extracts ? extracts : "generated",
      rows: { invoices: loaded?.invoices ?? null, payments: loaded?.payments ?? null, customers: loaded?.customers ?? null },
      otherRows: floor?.otherRows,
      agingOnly: options.agingOnly,
      extractBytes: extractsBytes(extracts),
    },
    machine: machineInfo(floor?.duckdbVersion ?? `node-api ${duckdbBindingVersion()}`, postgresVersion()),
    postgresSettings: { ...PG_SETTINGS },
    steps,
    ratios,
    agingRuns,
    fullBuild: buildAll?.ok
      ? {
          wallMs: buildAll.wallMs,
          cpuMs: buildAll.cpuMs,
          targetS: TARGET_FULL_BUILD_S,
          atTargetScale: atFullBuildScale,
          slowestModels: slowestModels(fullBuildModels, 10),
          watched: WATCHED_MODELS.map((id) => fullBuildModels.find((m) => m.id === id) ?? null),
          models: fullBuildModels,
        }
      : null,
    site: siteBuild
      ? {
          built: siteBuild.ok,
          buildMs: siteBuildMs,
          buildPeakRssKb: siteBuild.ok ? siteBuild.peakRssKb : null,
          targetBuildS: TARGET_SITE_BUILD_S,
          atTargetScale: atSiteScale,
          measured: site ?? null,
        }
      : null,
    openItems: { arwatch: arwatch.openItems, floor: floor?.openItems ?? null, postgres: peer?.openItems ?? null },
    totals: agreement,
    monthEnd: {
      months: MONTH_ENDS.length,
      monthEnds: MONTH_ENDS,
      openItems: monthEndItems,
      openItemsAgree: monthEndItemsAgree,
      totals: monthEndAgreement,
      buckets: monthEndBuckets,
    },
    failures,
  };
  console.log(`\n${formatReport(results)}`);
  const file = writeResults(join(BENCH_DIR, "results"), results, options.label);
  console.log(`\nresults written to ${file}`);

  if (!agreement.agree || !monthEndAgreement.agree || !monthEndBuckets.agree || !monthEndItemsAgree) return 2;
  return failures.length > 0 ? 1 : 0;
}

let code = 1;
try {
  code = await main();
} catch (e) {
  console.error(`bench: ${(e as Error).message}`);
} finally {
  runAllCleanups();
}
process.exit(code);
