/**
 * The full build (every model and data test) at one scale, several times over the same ingested
 * warehouse (issue 7: under 15 s at 100,000 customers / 1M documents). One build is a noisy
 * figure on a shared 2-core machine; the median of a few, with each run's CPU time and the load
 * average around it, says whether a slow run did more work or only waited for a core.
 *
 *   npx tsx bench/full-build.ts [--invoices N] [--customers N] [--runs N] [--extracts DIR] [--keep] [--out FILE]
 *
 * Each run builds a fresh copy of the warehouse as ingest left it, so that every run does the same
 * work: the first build after a load. The scale judged is what was loaded (documents and customers
 * counted in the warehouse), so extracts made earlier (--extracts) at the target scale count too.
 * Writes bench/results/build-<date>.json at the target scale, else build-<date>-<documents>-<customers>.json,
 * with -2, -3, … before .json when that day's record is there already (--out FILE: there instead,
 * for a comparison that is not the record).
 */
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { loadavg } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { version as duckdbBindingVersion } from "@duckdb/node-api";
import { openWarehouse } from "../core/warehouse.ts";
import { Command } from "commander";
import { installSignalHandlers, onCleanup, runAllCleanups } from "./cleanup.ts";
import {
  FORECAST_MAX_SHARE,
  FORECAST_MODELS,
  forecastShare,
  TARGET_FULL_BUILD_CUSTOMERS,
  TARGET_FULL_BUILD_INVOICES,
  TARGET_FULL_BUILD_S,
  WATCHED_MODELS,
  median,
  medianModelTimes,
  parseModelTimes,
  type ModelTime,
} from "./model-times.ts";
import { localDate, machineInfo } from "./report.ts";
import { runStep, tail } from "./steps.ts";
import { count } from "./options.ts";

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const ARWATCH = join(BENCH_DIR, "..", "bin", "arwatch.js");
/** The same data as bench/run.ts: fixed as-of date and seed. */
const AS_OF = "2026-06-30";
const SEED = 42;
/** The slowest models listed per run and in the summary. */
const TOP = 10;

export interface FullBuildRun {
  wallMs: number;
  cpuMs: number | null;
  peakRssKb: number | null;
  /** 1-minute load average just before and just after the run (2 cores: 2.0 = fully busy). */
  loadBefore: number;
  loadAfter: number;
  models: ModelTime[];
}

export interface FullBuildResults {
  date: string;
  startedAt: string;
  scale: {
    invoicesRequested: number;
    customersRequested: number;
    /** What ingest loaded: ledger documents (raw.invoices) and customers (raw.customers). */
    documentsLoaded: number;
    customersLoaded: number;
    seed: number;
    asOf: string;
    extracts: string;
  };
  machine: ReturnType<typeof machineInfo>;
  runs: FullBuildRun[];
  medianWallMs: number | null;
  medianCpuMs: number | null;
  /** Every model's median time over the runs, slowest first. */
  medianModels: ModelTime[];
  /** The three models issue 7 named, with their medians. */
  watched: ModelTime[];
  target: { seconds: number; atTargetScale: boolean; met: boolean | null };
  /** Issue 11: what the cash forecast's models add to the build, per run and the median. */
  forecast: { models: readonly string[]; shares: number[]; medianMs: number | null; medianShare: number | null; maxShare: number; met: boolean | null };
  failures: string[];
}

const options = new Command("full-build")
  .description("time arwatch's full build several times at one scale (issue 7)")
  .option("--invoices <n>", "ledger documents to generate", count("--invoices"), TARGET_FULL_BUILD_INVOICES)
  .option("--customers <n>", "customers to generate", count("--customers"), TARGET_FULL_BUILD_CUSTOMERS)
  .option("--runs <n>", "builds to time", count("--runs"), 3)
  .option("--extracts <dir>", "use these extracts instead of generating")
  .option("--keep", "keep the work dir", false)
  .option("--out <file>", "write the results here instead of bench/results/build-<date>….json")
  .parse()
  .opts<{ invoices: number; customers: number; runs: number; extracts?: string; keep: boolean; out?: string }>();

const say = (message: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${message}`);
const seconds = (ms: number | null) => (ms === null ? "—" : (ms / 1000).toFixed(2));

async function main(): Promise<number> {
  installSignalHandlers();
  const startedAt = new Date();
  const workDir = join(BENCH_DIR, "work", `full-build-${startedAt.toISOString().replace(/[:.]/g, "-")}`);
  const logDir = join(workDir, "logs");
  mkdirSync(logDir, { recursive: true });
  onCleanup("work dir", () => {
    if (options.keep) console.error(`kept the work dir: ${workDir}`);
    else rmSync(workDir, { recursive: true, force: true });
  });
  const failures: string[] = [];
  // cwd is the work dir: ingest's archive lands there, and no arwatch.config.yaml of the checkout applies.
  const arwatch = (name: string, args: string[]) => runStep(name, process.execPath, [ARWATCH, ...args], { cwd: workDir, logDir });

  let extracts: string;
  if (options.extracts) extracts = resolve(options.extracts);
  else {
    extracts = join(workDir, "extracts");
    say(`generating ${options.invoices.toLocaleString("en-US")} documents for ${options.customers.toLocaleString("en-US")} customers…`);
    const gen = await arwatch("generate", [
      "generate", "--out", extracts, "--invoices", String(options.invoices), "--customers", String(options.customers),
      "--seed", String(SEED), "--as-of", AS_OF,
    ]);
    if (!gen.ok) throw new Error(`generate failed:\n${tail(gen)}`);
  }
  const ingested = join(workDir, "ingested.duckdb");
  say("ingest…");
  const ingest = await arwatch("ingest", ["ingest", extracts, "--db", ingested]);
  if (!ingest.ok) throw new Error(`ingest failed:\n${tail(ingest)}`);

  const loaded = await countLoaded(ingested);
  say(`loaded ${loaded.documents.toLocaleString("en-US")} documents, ${loaded.customers.toLocaleString("en-US")} customers`);

  const runs: FullBuildRun[] = [];
  for (let i = 1; i <= options.runs; i++) {
    const db = join(workDir, "build.duckdb");
    rmSync(db, { force: true });
    rmSync(`${db}.wal`, { force: true });
    copyFileSync(ingested, db);
    if (existsSync(`${ingested}.wal`)) copyFileSync(`${ingested}.wal`, `${db}.wal`);
    const loadBefore = loadavg()[0]!;
    say(`full build ${i} of ${options.runs} (load average ${loadBefore.toFixed(1)})…`);
    const run = await arwatch(`build ${i}`, ["build", "--db", db, "--as-of", AS_OF]);
    const loadAfter = loadavg()[0]!;
    if (!run.ok) {
      failures.push(`build ${i} (exit ${run.exitCode ?? run.signal}; log ${run.logFile})`);
      console.error(tail(run));
      continue;
    }
    const models = parseModelTimes(`${run.stdout}\n${run.stderr}`);
    runs.push({ wallMs: run.wallMs, cpuMs: run.cpuMs, peakRssKb: run.peakRssKb, loadBefore, loadAfter, models });
    say(`  ${seconds(run.wallMs)} s wall, ${seconds(run.cpuMs)} s CPU; slowest: ${models.slice().sort((a, b) => b.ms - a.ms).slice(0, 3).map((m) => `${m.id} ${seconds(m.ms)} s`).join(", ")}`);
  }

  const medianWallMs = median(runs.map((r) => r.wallMs));
  const medianCpuMs = median(runs.flatMap((r) => (r.cpuMs === null ? [] : [r.cpuMs])));
  const medianModels = medianModelTimes(runs.map((r) => r.models));
  const atTargetScale = loaded.documents === TARGET_FULL_BUILD_INVOICES && loaded.customers === TARGET_FULL_BUILD_CUSTOMERS;
  const results: FullBuildResults = {
    date: localDate(startedAt),
    startedAt: startedAt.toISOString(),
    scale: {
      invoicesRequested: options.invoices,
      customersRequested: options.customers,
      documentsLoaded: loaded.documents,
      customersLoaded: loaded.customers,
      seed: SEED,
      asOf: AS_OF,
      extracts: options.extracts ? extracts : "generated",
    },
    machine: machineInfo(`node-api ${duckdbBindingVersion()}`, "not used"),
    runs,
    medianWallMs,
    medianCpuMs,
    medianModels,
    watched: WATCHED_MODELS.map((id) => medianModels.find((m) => m.id === id) ?? { id, materialized: "?", ms: NaN }),
    forecast: forecastSummary(runs),
    target: {
      seconds: TARGET_FULL_BUILD_S,
      atTargetScale,
      met: medianWallMs === null || !atTargetScale ? null : medianWallMs / 1000 < TARGET_FULL_BUILD_S,
    },
    failures,
  };
  console.log(formatFullBuild(results));
  const file = options.out
    ? resolve(options.out)
    : unusedName(
        join(
          BENCH_DIR,
          "results",
          atTargetScale ? `build-${results.date}.json` : `build-${results.date}-${loaded.documents}-${loaded.customers}.json`,
        ),
      );
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  console.log(`\nresults written to ${file}`);
  return failures.length > 0 ? 1 : 0;
}

/** The record's name, or with -2, -3, … before .json when a record of that day is there already: never written over. */
function unusedName(file: string): string {
  const stem = file.replace(/\.json$/, "");
  let name = file;
  for (let n = 2; existsSync(name); n++) name = `${stem}-${n}.json`;
  return name;
}

function forecastSummary(runs: readonly FullBuildRun[]): FullBuildResults["forecast"] {
  const perRun = runs.map((r) => forecastShare(r.models, r.wallMs));
  const medianShare = median(perRun.map((r) => r.share));
  return {
    models: FORECAST_MODELS,
    shares: perRun.map((r) => r.share),
    medianMs: median(perRun.map((r) => r.forecastMs)),
    medianShare,
    maxShare: FORECAST_MAX_SHARE,
    met: medianShare === null ? null : medianShare <= FORECAST_MAX_SHARE,
  };
}

/** The documents and customers a warehouse holds, as ingest loaded them. */
async function countLoaded(db: string): Promise<{ documents: number; customers: number }> {
  const wh = await openWarehouse(db, { readOnly: true, create: false });
  try {
    const [row] = await wh.all<{ documents: string; customers: string }>(
      "select (select count(*) from raw.invoices)::varchar as documents, (select count(*) from raw.customers)::varchar as customers",
    );
    return { documents: Number(row!.documents), customers: Number(row!.customers) };
  } finally {
    wh.close();
  }
}

/** The printed summary: each run, then the median per model of the slowest. */
export function formatFullBuild(r: FullBuildResults): string {
  const out = [
    `arwatch full build — ${r.scale.documentsLoaded.toLocaleString("en-US")} documents, ` +
      `${r.scale.customersLoaded.toLocaleString("en-US")} customers, as of ${r.scale.asOf}; ${r.machine.cpus} × ${r.machine.cpuModel}`,
    "",
    "run   wall s   CPU s   peak RSS MB   load before/after",
  ];
  r.runs.forEach((run, i) => {
    out.push(
      `${String(i + 1).padEnd(4)}${seconds(run.wallMs).padStart(8)}${seconds(run.cpuMs).padStart(8)}` +
        `${(run.peakRssKb === null ? "—" : (run.peakRssKb / 1024).toFixed(0)).padStart(14)}   ${run.loadBefore.toFixed(1)} / ${run.loadAfter.toFixed(1)}`,
    );
  });
  const verdict = r.target.met === null ? "n/a at this scale" : r.target.met ? "met" : "MISSED";
  out.push(
    "",
    `median: ${seconds(r.medianWallMs)} s wall, ${seconds(r.medianCpuMs)} s CPU; target < ${r.target.seconds} s at ` +
      `${TARGET_FULL_BUILD_CUSTOMERS.toLocaleString("en-US")} customers / 1M documents: ${verdict}`,
    "",
    `slowest models (median s over ${r.runs.length} runs):`,
  );
  for (const m of r.medianModels.slice(0, TOP)) out.push(`  ${m.id.padEnd(44)} ${m.materialized.padEnd(5)} ${seconds(m.ms).padStart(6)}`);
  out.push("issue 7's three:");
  for (const m of r.watched) out.push(`  ${m.id.padEnd(44)} ${m.materialized.padEnd(5)} ${Number.isNaN(m.ms) ? "—" : seconds(m.ms).padStart(6)}`);
  if (r.forecast.medianShare !== null) {
    out.push(
      `cash forecast (issue 11): its models ${seconds(r.forecast.medianMs)} s, adding ` +
        `${(r.forecast.medianShare * 100).toFixed(1)} % to the rest of the build (median; ` +
        `allowed ${(r.forecast.maxShare * 100).toFixed(0)} %): ${r.forecast.met ? "met" : "MISSED"}`,
    );
  }
  for (const f of r.failures) out.push(`FAILED: ${f}`);
  return out.join("\n");
}

let code = 1;
try {
  code = await main();
} catch (e) {
  console.error(`full-build: ${(e as Error).message}`);
} finally {
  runAllCleanups();
}
process.exit(code);
