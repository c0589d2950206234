import { spawnSync } from "node:child_process";
import { chownSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { join, resolve } from "node:path";
import { TOTALS_SQL, postgresAgingSql } from "./aging-sql.ts";
import { MONTH_END_BUCKET_SQL, MONTH_END_ITEMS_SQL, MONTH_END_TOTALS_SQL, postgresMonthEndSql } from "./month-end-sql.ts";
import { onCleanup } from "./cleanup.ts";
import { sampleInstanceRss, type RssSampler } from "./pg-rss.ts";
import { runStep, tail, type StepRun } from "./steps.ts";
import { POSTGRES_TYPES, TABLE_NAMES, columnsOf, csvPathOf, declaredColumns, quoteIdent, quoteLiteral, type BenchTable } from "./tables.ts";

export const PG_BIN = process.env.ARWATCH_BENCH_PG_BIN ?? "/usr/lib/postgresql/15/bin";

/**
 * The only settings changed from initdb's defaults, printed with the results. The defaults
 * (128MB / 4MB) would make PostgreSQL spill its hash joins to disk at 1M+ rows, which would
 * flatter arwatch; durability (fsync, synchronous_commit, full_page_writes) stays at defaults.
 */
export const PG_SETTINGS = { shared_buffers: "1GB", work_mem: "256MB" } as const;

/**
 * statement_timeout of the month-end join only (set in its session): the straightforward join
 * can take PostgreSQL many minutes, and a run must end. A timeout is reported as such.
 */
export const PG_MONTH_END_TIMEOUT = "15min";
export const PG_MONTH_END_TIMEOUT_MS = 15 * 60 * 1000;

export interface PeerMonthEnd {
  ok: boolean;
  /** Cancelled by statement_timeout: wallMs is then a lower bound. */
  timedOut: boolean;
  wallMs: number;
  peakRssKb: number | null;
  /** Rows of month_end_aging, open items over all month-ends, [month_end, outstanding] — when ok. */
  rows: number | null;
  openItems: number | null;
  totals: [string, string][] | null;
  /** [month_end, aging_bucket, outstanding] — when ok. */
  bucketTotals: [string, string, string][] | null;
  error?: string;
  logFile: string;
}

export interface PeerResult {
  version: string;
  settings: typeof PG_SETTINGS;
  load: { wallMs: number; peakRssKb: number | null };
  aging: { wallMs: number; peakRssKb: number | null };
  /** Only when asked for (monthEnds). */
  monthEnd?: PeerMonthEnd;
  rows: Record<BenchTable, number>;
  openItems: number;
  totals: [string, string][];
}

interface Instance {
  dataDir: string;
  port: number;
  postmasterPid: number;
  stop: () => void;
}

const isRoot = process.getuid?.() === 0;

/** initdb and postgres refuse to run as root; as root, run them as the postgres user. */
function asPostgres(command: string, args: string[]): [string, string[]] {
  return isRoot ? ["runuser", ["-u", "postgres", "--", command, ...args]] : [command, args];
}

function postgresIds(): { uid: number; gid: number } {
  const uid = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
  const gid = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
  if (uid.status !== 0 || gid.status !== 0) throw new Error("running as root, but there is no postgres user to run PostgreSQL as");
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

/** A port nobody listens on; the instance listens on a unix socket only, so this just names it. */
function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

async function must(run: Promise<StepRun>): Promise<StepRun> {
  const r = await run;
  if (!r.ok) throw new Error(`${r.name} failed (exit ${r.exitCode ?? r.signal}); log: ${r.logFile}\n${tail(r)}`);
  return r;
}

async function startInstance(dataDir: string, logDir: string): Promise<Instance> {
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  if (isRoot) {
    const { uid, gid } = postgresIds();
    chownSync(dataDir, uid, gid);
  }
  // Registered before initdb, so that even a failed start removes the directory.
  let postmasterPid = 0;
  const serverLog = join(dataDir, "server.log");
  const stop = onCleanup("postgres", () => {
    if (existsSync(join(dataDir, "postmaster.pid"))) {
      const [cmd, args] = asPostgres(join(PG_BIN, "pg_ctl"), ["-D", dataDir, "-m", "fast", "-w", "-t", "60", "stop"]);
      const r = spawnSync(cmd, args, { stdio: "ignore" });
      if (r.status !== 0 && postmasterPid > 0) {
        // Immediate shutdown of the one postmaster we started, by its pid.
        try {
          process.kill(postmasterPid, "SIGQUIT");
        } catch {
          // Already gone.
        }
      }
    }
    if (existsSync(serverLog)) copyFileSync(serverLog, join(logDir, "postgres-server.log"));
    rmSync(dataDir, { recursive: true, force: true });
  });

  // --no-sync only skips initdb's own flush of the empty cluster; the server runs with fsync on.
  const [initCmd, initArgs] = asPostgres(join(PG_BIN, "initdb"), [
    "-D", dataDir, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync",
  ]);
  await must(runStep("postgres initdb", initCmd, initArgs, { logDir, measureRss: false }));

  const port = await freePort();
  const settings = Object.entries(PG_SETTINGS).map(([k, v]) => `-c ${k}=${v}`).join(" ");
  // pg_ctl runs postgres through /bin/sh, hence the shell quoting inside -o.
  const options = `-k '${dataDir}' -c listen_addresses='' -p ${port} ${settings}`;
  const [ctlCmd, ctlArgs] = asPostgres(join(PG_BIN, "pg_ctl"), ["-D", dataDir, "-l", serverLog, "-o", options, "-w", "-t", "120", "start"]);
  try {
    await must(runStep("postgres start", ctlCmd, ctlArgs, { logDir, measureRss: false }));
  } catch (e) {
    const log = existsSync(serverLog) ? readFileSync(serverLog, "utf8").trim().split("\n").slice(-10).join("\n") : "";
    throw new Error(`${(e as Error).message}\n${log}`);
  }
  postmasterPid = Number(readFileSync(join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
  return { dataDir, port, postmasterPid, stop };
}

function psqlRun(instance: Instance, name: string, sql: string, logDir: string, extra: string[] = []): Promise<StepRun> {
  const args = [
    "-X", "-q", "-v", "ON_ERROR_STOP=1",
    "-h", instance.dataDir, "-p", String(instance.port), "-U", "postgres", "-d", "postgres",
    ...extra,
  ];
  return runStep(name, "psql", [...args, "-f", "-"], { logDir, input: sql, measureRss: false });
}

function psql(instance: Instance, name: string, sql: string, logDir: string, extra: string[] = []): Promise<StepRun> {
  return must(psqlRun(instance, name, sql, logDir, extra));
}

async function query(instance: Instance, name: string, sql: string, logDir: string): Promise<string[][]> {
  const r = await psql(instance, name, sql, logDir, ["-A", "-t", "-F", "\t"]);
  return r.stdout.split("\n").filter((l) => l.length > 0).map((l) => l.split("\t"));
}

/** CREATE TABLE + server-side COPY (the fastest bulk path: no client in between) + ANALYZE. */
function loadSql(tables: BenchTable[], extractsDir: string): string {
  return tables
    .map((table) => {
      const csv = csvPathOf(extractsDir, table);
      const file = csv ? resolve(csv) : undefined;
      const columns = file ? columnsOf(table, file) : declaredColumns(table);
      const ddl = columns.map((c) => `${quoteIdent(c.name)} ${POSTGRES_TYPES[c.kind]}`).join(", ");
      const list = columns.map((c) => quoteIdent(c.name)).join(", ");
      return [
        `create table ${quoteIdent(table)} (${ddl});`,
        file ? `copy ${quoteIdent(table)} (${list}) from ${quoteLiteral(file)} with (format csv, header true);` : "",
        // The planner needs statistics to pick hash joins; a user loading data would run it too.
        `analyze ${quoteIdent(table)};`,
      ].join("\n");
    })
    .join("\n");
}

function postgresVersion(): string {
  const r = spawnSync(join(PG_BIN, "postgres"), ["--version"], { encoding: "utf8" });
  return r.status === 0 ? r.stdout.trim() : "unknown";
}

/**
 * The peer: its own PostgreSQL instance in the work dir, always stopped and deleted afterwards.
 * COPY is single-threaded per table, so invoices load in one session while payments,
 * customers and credit limits load in another: on 2 cores that is what a DBA would do, and it keeps the
 * comparison honest.
 */
export async function runPeer(
  extractsDir: string,
  workDir: string,
  asOf: string,
  logDir: string,
  options: {
    /** Also run the month-end join (month-end-sql.ts) at these month-ends, after the aging. */
    monthEnds?: readonly string[];
    /** Called before the instance stops, so that a check can read open_items row by row. */
    inspect?: (query: (sql: string) => Promise<string[][]>) => Promise<void>;
  } = {},
): Promise<PeerResult> {
  const instance = await startInstance(join(workDir, "pg"), logDir);
  let sampler: RssSampler | undefined;
  try {
    sampler = sampleInstanceRss(instance.postmasterPid);

    sampler.reset();
    const loadStart = performance.now();
    await Promise.all([
      psql(instance, "postgres load invoices", loadSql(["invoices"], extractsDir), logDir),
      psql(instance, "postgres load payments+customers", loadSql(["payments", "customers", "credit_limits"], extractsDir), logDir),
    ]);
    const load = { wallMs: performance.now() - loadStart, peakRssKb: sampler.peakKb() };

    sampler.reset();
    const agingStart = performance.now();
    await psql(instance, "postgres aging", postgresAgingSql(asOf), logDir);
    const aging = { wallMs: performance.now() - agingStart, peakRssKb: sampler.peakKb() };

    const counts = await query(
      instance,
      "postgres counts",
      `select ${TABLE_NAMES.map((t) => `(select count(*) from ${quoteIdent(t)})`).join(", ")}, (select count(*) from open_items);`,
      logDir,
    );
    const row = counts[0] ?? [];
    const rows = Object.fromEntries(TABLE_NAMES.map((t, i) => [t, Number(row[i] ?? 0)])) as Record<BenchTable, number>;
    const totals = (await query(instance, "postgres totals", `${TOTALS_SQL.postgres};`, logDir)).map(
      (r) => [r[0] ?? "", r[1] ?? ""] as [string, string],
    );

    let monthEnd: PeerMonthEnd | undefined;
    if (options.monthEnds) {
      // Same instance, same session settings, after the aging: its shared buffers are warm.
      sampler.reset();
      const start = performance.now();
      const run = await psqlRun(
        instance,
        "postgres month-end",
        `set statement_timeout = '${PG_MONTH_END_TIMEOUT}';\n${postgresMonthEndSql(options.monthEnds)}`,
        logDir,
      );
      const wallMs = performance.now() - start;
      const peakRssKb = sampler.peakKb();
      const timedOut = !run.ok && /canceling statement due to statement timeout/.test(run.stderr);
      monthEnd = { ok: run.ok, timedOut, wallMs, peakRssKb, rows: null, openItems: null, totals: null, bucketTotals: null, logFile: run.logFile };
      if (run.ok) {
        const [n] = await query(instance, "postgres month-end counts", `select (select count(*) from month_end_aging), (${MONTH_END_ITEMS_SQL.postgres});`, logDir);
        monthEnd.rows = Number(n?.[0] ?? 0);
        monthEnd.openItems = Number(n?.[1] ?? 0);
        monthEnd.totals = (await query(instance, "postgres month-end totals", `${MONTH_END_TOTALS_SQL.postgres};`, logDir)).map(
          (r) => [r[0] ?? "", r[1] ?? ""] as [string, string],
        );
        monthEnd.bucketTotals = (await query(instance, "postgres month-end bucket totals", `${MONTH_END_BUCKET_SQL.postgres};`, logDir)).map(
          (r) => [r[0] ?? "", r[1] ?? "", r[2] ?? ""] as [string, string, string],
        );
      } else {
        monthEnd.error = timedOut
          ? `cancelled by statement_timeout = ${PG_MONTH_END_TIMEOUT}`
          : `exit ${run.exitCode ?? run.signal}; log ${run.logFile}\n${tail(run)}`;
      }
    }

    if (options.inspect) await options.inspect((sql) => query(instance, "postgres inspect", sql, logDir));
    return { version: postgresVersion(), settings: PG_SETTINGS, load, aging, monthEnd, rows, openItems: Number(row[TABLE_NAMES.length] ?? 0), totals };
  } finally {
    sampler?.stop();
    instance.stop();
  }
}
