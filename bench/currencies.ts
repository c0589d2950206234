/**
 * What several currencies cost the full build (issue 10): the same generated ledger (1M documents,
 * 100,000 customers by default) built twice per run, interleaved —
 *
 * - one currency: every row in the functional currency (the peer, what every build did before);
 * - a third in USD: the same rows, a third of the customers' documents, payments and orders in
 *   USD, the rest in VND, a company in VND, with a daily USD rate — every USD row converted in
 *   staging (stg_fx_amounts: the rate, and a document's payments as running totals).
 *
 * The ledgers differ only in their currency columns and the rates table, so the difference is the
 * conversion's. Reports the medians of the build's wall and CPU time, their ratio, and the models
 * that differ most.
 *
 *   npx tsx bench/currencies.ts [--invoices N] [--customers N] [--runs N] [--keep]
 *
 * Writes bench/results/currencies-<date>.json.
 */
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Command } from "commander";
import { openWarehouse } from "../core/warehouse.ts";
import { installSignalHandlers, onCleanup, runMain } from "./cleanup.ts";
import { TARGET_FULL_BUILD_CUSTOMERS, TARGET_FULL_BUILD_INVOICES, median, medianModelTimes, parseModelTimes, type ModelTime } from "./model-times.ts";
import { count } from "./options.ts";
import { localDate, machineInfo } from "./report.ts";
import { runStep, tail } from "./steps.ts";

const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
const ARWATCH = join(BENCH_DIR, "..", "bin", "arwatch.js");
const AS_OF = "2026-06-30";
const SEED = 42;

const options = new Command("currencies-bench")
  .description("time the full build of a ledger a third in another currency against the same ledger in one (issue 10)")
  .option("--invoices <n>", "ledger documents to generate", count("--invoices"), TARGET_FULL_BUILD_INVOICES)
  .option("--customers <n>", "customers to generate", count("--customers"), TARGET_FULL_BUILD_CUSTOMERS)
  .option("--runs <n>", "builds of each ledger, interleaved", count("--runs"), 3)
  .option("--keep", "keep the work dir", false)
  .parse()
  .opts<{ invoices: number; customers: number; runs: number; keep: boolean }>();

const say = (message: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${message}`);

/** A third of the customers in USD, the rest in VND; a USD rate for every day of the history. */
const TO_SEVERAL_CURRENCIES = [
  ...["invoices", "payments", "sales_orders", "customers"].map(
    (table) => `update raw.${table} set currency = case when hash(customer_id) % 3 = 0 then 'USD' else 'VND' end`,
  ),
  `insert into raw.fx_rates (rate_date, currency, rate)
   select day::date, 'USD', 25000 + (hash(day) % 1000)::decimal(24, 12) / 7
     from range(date '2020-01-01', date '${AS_OF}' + 1, interval 1 day) t(day)`,
];

interface Variant {
  name: "one currency" | "a third in USD";
  db: string;
  config: string;
}

interface Build {
  variant: Variant["name"];
  wallMs: number;
  cpuMs: number | null;
  models: ModelTime[];
}

async function main(): Promise<number> {
  installSignalHandlers();
  const startedAt = new Date();
  const workDir = join(BENCH_DIR, "work", `currencies-${startedAt.toISOString().replace(/[:.]/g, "-")}`);
  const logDir = join(workDir, "logs");
  mkdirSync(logDir, { recursive: true });
  onCleanup("work dir", () => {
    if (options.keep) console.error(`kept the work dir: ${workDir}`);
    else rmSync(workDir, { recursive: true, force: true });
  });
  const arwatch = (name: string, args: string[], cwd = workDir) => runStep(name, process.execPath, [ARWATCH, ...args], { cwd, logDir });

  const extracts = join(workDir, "extracts");
  say(`generating ${options.invoices.toLocaleString("en-US")} documents for ${options.customers.toLocaleString("en-US")} customers…`);
  const gen = await arwatch("generate", ["generate", "--out", extracts, "--invoices", String(options.invoices), "--customers", String(options.customers), "--seed", String(SEED), "--as-of", AS_OF]);
  if (!gen.ok) throw new Error(`generate failed:\n${tail(gen)}`);
  const single = join(workDir, "one-currency.duckdb");
  const ingest = await arwatch("ingest", ["ingest", extracts, "--db", single]);
  if (!ingest.ok) throw new Error(`ingest failed:\n${tail(ingest)}`);

  // The same rows, a third of them in USD: written straight into a copy of the ingested warehouse
  // (the generator writes one currency; ingest's own checks are timed elsewhere).
  const several = join(workDir, "several-currencies.duckdb");
  copyFileSync(single, several);
  const wh = await openWarehouse(several);
  try {
    for (const sql of TO_SEVERAL_CURRENCIES) await wh.run(sql);
  } finally {
    wh.close();
  }

  const variants: Variant[] = [
    { name: "one currency", db: single, config: "currency: USD\n" },
    { name: "a third in USD", db: several, config: "currency: VND\n" },
  ];
  const builds: Build[] = [];
  const failures: string[] = [];
  for (let run = 1; run <= options.runs; run++) {
    for (const variant of variants) {
      const dir = join(workDir, `run-${run}-${variant.name.replace(/ /g, "-")}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, "arwatch.config.yaml"), variant.config);
      const db = join(dir, "build.duckdb");
      copyFileSync(variant.db, db);
      say(`build ${run} of ${options.runs}, ${variant.name}…`);
      const built = await arwatch(`build-${run}-${variant.name}`, ["build", "--db", db, "--as-of", AS_OF], dir);
      if (!built.ok) {
        failures.push(`${variant.name} build ${run}: ${tail(built)}`);
        continue;
      }
      builds.push({ variant: variant.name, wallMs: built.wallMs, cpuMs: built.cpuMs, models: parseModelTimes(`${built.stdout}\n${built.stderr}`) });
      say(`  ${(built.wallMs / 1000).toFixed(2)} s wall, ${((built.cpuMs ?? 0) / 1000).toFixed(2)} s CPU`);
      rmSync(dir, { recursive: true, force: true });
    }
  }

  const summary = Object.fromEntries(
    variants.map((v) => {
      const mine = builds.filter((b) => b.variant === v.name);
      return [v.name, { wallMs: median(mine.map((b) => b.wallMs)), cpuMs: median(mine.flatMap((b) => (b.cpuMs === null ? [] : [b.cpuMs]))), models: medianModelTimes(mine.map((b) => b.models)) }];
    }),
  ) as Record<Variant["name"], { wallMs: number | null; cpuMs: number | null; models: ModelTime[] }>;
  const one = summary["one currency"];
  const many = summary["a third in USD"];
  const ratio = (a: number | null, b: number | null) => (a === null || b === null ? null : Number((a / b).toFixed(3)));
  const oneModels = new Map(one.models.map((m) => [m.id, m.ms]));
  const differences = many.models
    .map((m) => ({ id: m.id, oneCurrencyMs: oneModels.get(m.id) ?? 0, severalMs: m.ms }))
    .sort((a, b) => Math.abs(b.severalMs - b.oneCurrencyMs) - Math.abs(a.severalMs - a.oneCurrencyMs))
    .slice(0, 8);
  const results = {
    date: localDate(startedAt),
    startedAt: startedAt.toISOString(),
    scale: { invoices: options.invoices, customers: options.customers, seed: SEED, asOf: AS_OF, runs: options.runs },
    machine: machineInfo("node-api", "not used"),
    builds: builds.map(({ variant, wallMs, cpuMs }) => ({ variant, wallMs, cpuMs })),
    medians: { oneCurrency: { wallMs: one.wallMs, cpuMs: one.cpuMs }, aThirdInUsd: { wallMs: many.wallMs, cpuMs: many.cpuMs } },
    ratios: { wall: ratio(many.wallMs, one.wallMs), cpu: ratio(many.cpuMs, one.cpuMs) },
    modelsThatDifferMost: differences,
    failures,
  };
  const file = join(BENCH_DIR, "results", `currencies-${results.date}.json`);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  const s = (ms: number | null) => (ms === null ? "—" : (ms / 1000).toFixed(2));
  console.log(`several currencies — ${options.invoices.toLocaleString("en-US")} documents, ${options.customers.toLocaleString("en-US")} customers, ${options.runs} runs each`);
  console.log(`  one currency     ${s(one.wallMs)} s wall, ${s(one.cpuMs)} s CPU (median)`);
  console.log(`  a third in USD   ${s(many.wallMs)} s wall, ${s(many.cpuMs)} s CPU (median); ratio ${results.ratios.wall} wall, ${results.ratios.cpu} CPU`);
  console.log("  models that differ most (median s, one currency → a third in USD):");
  for (const d of differences) console.log(`    ${d.id.padEnd(44)} ${s(d.oneCurrencyMs)} → ${s(d.severalMs)}`);
  console.log(`results written to ${file}`);
  return failures.length > 0 ? 1 : 0;
}

runMain(main);
