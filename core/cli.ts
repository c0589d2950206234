import { existsSync, readdirSync } from "node:fs";
import { Command, Option } from "commander";
import { generateExtracts } from "../generate/generate.ts";
import { ingest } from "../ingest/ingest.ts";
import { IngestRejected } from "../ingest/report.ts";
import { BuildFailed, buildModels, type BuildResult } from "../models/runner/build.ts";
import { DEFAULT_SITE_OUT, buildSite, previewSite } from "../reports/build-site.ts";
import { serveSite } from "../reports/serve-site.ts";
import { contextFrom, type Context, type GlobalOptions } from "./context.ts";
import { formatRows } from "./output-formats.ts";
import { formatTable } from "./table-format.ts";
import { summarize } from "./summary.ts";
import { DEFAULT_DB, openWarehouse, type Warehouse } from "./warehouse.ts";

const SAMPLE_DIR = "data/sample";
/** The bundled sample: `npm start` generates it, and these are `arwatch generate`'s defaults. */
const SAMPLE = { customers: 300, invoices: 6000, seed: 1, months: 24 };

function withGlobalOptions(command: Command): Command {
  return command
    .option("--db <file>", "the warehouse file", DEFAULT_DB)
    .option("--config <file>", "the config file (default arwatch.config.yaml if present, else built-in defaults)")
    .option("--as-of <YYYY-MM-DD>", "compute figures as of this date (default today)");
}

function positiveInt(name: string) {
  return (value: string) => {
    if (!/^\d+$/.test(value) || Number(value) < 1) throw new Error(`${name} must be a whole number of at least 1, not ${JSON.stringify(value)}`);
    return Number(value);
  };
}

async function withWarehouse<T>(ctx: Context, fn: (wh: Warehouse) => Promise<T>, readOnly = false): Promise<T> {
  if (readOnly && !existsSync(ctx.db)) throw new Error(`no warehouse at ${ctx.db}: run arwatch ingest and arwatch build first`);
  const wh = await openWarehouse(ctx.db, { readOnly });
  try {
    return await fn(wh);
  } finally {
    wh.close();
  }
}

async function runBuild(ctx: Context, wh: Warehouse, select?: string): Promise<BuildResult> {
  ctx.log.info(`building models as of ${ctx.asOf}`);
  const started = performance.now();
  const result = await buildModels(wh, { config: ctx.config, asOf: ctx.asOf, log: ctx.log, select });
  ctx.log.info(`built ${result.models.length} models in ${((performance.now() - started) / 1000).toFixed(2)} s`);
  return result;
}

const program = new Command("arwatch")
  .description("Watches accounts receivable: ledger extracts in, reconciled aging and credit exposure out.")
  .showHelpAfterError(false)
  .configureOutput({ outputError: () => {} })
  .exitOverride();

withGlobalOptions(
  program
    .command("generate")
    .description("write realistic, deterministic sample extracts as CSV")
    .requiredOption("--out <dir>", "the folder to write the extracts to")
    .option("--customers <n>", "how many customers", positiveInt("--customers"), SAMPLE.customers)
    .option("--invoices <n>", "how many ledger documents", positiveInt("--invoices"), SAMPLE.invoices)
    .option("--seed <n>", "the random seed; the same seed gives the same files", positiveInt("--seed"), SAMPLE.seed)
    .option("--months <n>", "months of history", positiveInt("--months"), SAMPLE.months),
).action(async (opts: GlobalOptions & { out: string; customers: number; invoices: number; seed: number; months: number }) => {
  const ctx = contextFrom(opts);
  await generateExtracts({ outDir: opts.out, customers: opts.customers, invoices: opts.invoices, seed: opts.seed, months: opts.months, asOf: ctx.asOf, currency: ctx.config.currency }, ctx.log);
});

withGlobalOptions(
  program.command("ingest").description("load extracts (files or folders) into the warehouse, all or nothing").argument("<paths...>", "extract files or folders"),
).action(async (paths: string[], opts: GlobalOptions) => {
  const ctx = contextFrom(opts);
  await withWarehouse(ctx, (wh) => ingest(wh, paths, { config: ctx.config, log: ctx.log, archiveDir: ctx.archiveDir }));
});

withGlobalOptions(
  program.command("build").description("build the models as of the as-of date and run the data tests").option("--select <model>", "build only this model; model+ also builds everything downstream of it, +model everything upstream"),
).action(async (opts: GlobalOptions & { select?: string }) => {
  const ctx = contextFrom(opts);
  await withWarehouse(ctx, async (wh) => {
    const result = await runBuild(ctx, wh, opts.select);
    if (!opts.select) process.stdout.write(`${await summarize(wh, ctx.config, result)}\n`);
  });
});

withGlobalOptions(
  program
    .command("sql")
    .description("run a read-only query on the warehouse")
    .argument("<query>", "the SQL query")
    .addOption(new Option("--format <format>", "output format").choices(["table", "csv", "json"]).default("table")),
).action(async (query: string, opts: GlobalOptions & { format: "table" | "csv" | "json" }) => {
  const ctx = contextFrom(opts);
  await withWarehouse(
    ctx,
    async (wh) => {
      const rows = await wh.all(query);
      process.stdout.write(`${formatRows(rows, opts.format)}\n`);
    },
    true,
  );
});

const report = program.command("report").description("the static report site");

withGlobalOptions(
  report.command("build").description("build the report site from the warehouse, with no network request").option("--out <dir>", "where to write the site", DEFAULT_SITE_OUT),
).action(async (opts: GlobalOptions & { out: string }) => {
  const ctx = contextFrom(opts);
  await withWarehouse(ctx, async (wh) => {
    const out = await buildSite(wh, { config: ctx.config, outDir: opts.out, log: ctx.log });
    process.stdout.write(`${siteHowTo(out)}\n`);
  }, true);
});

withGlobalOptions(report.command("preview").description("serve the report site's pages live while you edit them (Framework's preview)")).action(
  async (opts: GlobalOptions) => {
    const ctx = contextFrom(opts);
    if (!existsSync(ctx.db)) throw new Error(`no warehouse at ${ctx.db}: run arwatch ingest and arwatch build first`);
    await previewSite(await openWarehouse(ctx.db, { readOnly: true }), { config: ctx.config, log: ctx.log });
  },
);

withGlobalOptions(
  report.command("serve").description("serve the built report site on 127.0.0.1").option("--dir <dir>", "the built site", DEFAULT_SITE_OUT).option("--port <n>", "the port", positiveInt("--port"), 3000),
).action(async (opts: GlobalOptions & { dir: string; port: number }) => {
  if (!existsSync(opts.dir)) throw new Error(`no site at ${opts.dir}: run arwatch report build first`);
  const { url } = await serveSite(opts.dir, opts.port);
  process.stdout.write(`Serving ${opts.dir} at ${url} (Ctrl-C to stop)\n`);
  await new Promise(() => {});
});

function siteHowTo(out: string): string {
  return `Report site: ${out}\n  Open it with: npx arwatch report serve --dir ${out}   then browse http://127.0.0.1:3000`;
}

withGlobalOptions(
  program
    .command("run")
    .description("the whole job: ingest the extracts, build the models and the report site, print the summary")
    .argument("[paths...]", "extract files or folders")
    .option("--sample", `use the bundled sample extracts in ${SAMPLE_DIR}, generating them if absent`),
).action(async (paths: string[], opts: GlobalOptions & { sample?: boolean }) => {
  const ctx = contextFrom(opts);
  if (opts.sample) {
    if (!existsSync(SAMPLE_DIR) || readdirSync(SAMPLE_DIR).length === 0) {
      ctx.log.info(`generating sample extracts in ${SAMPLE_DIR}`);
      await generateExtracts({ outDir: SAMPLE_DIR, ...SAMPLE, asOf: ctx.asOf, currency: ctx.config.currency }, ctx.log);
    }
    paths = [...paths, SAMPLE_DIR];
  }
  if (paths.length === 0) throw new Error("run: name extract files or folders, or use --sample");
  await withWarehouse(ctx, async (wh) => {
    await ingest(wh, paths, { config: ctx.config, log: ctx.log, archiveDir: ctx.archiveDir });
    const result = await runBuild(ctx, wh);
    const out = await buildSite(wh, { config: ctx.config, log: ctx.log });
    process.stdout.write(`\n${await summarize(wh, ctx.config, result)}\n\n${siteHowTo(out)}\n`);
  });
});



function fail(message: string, details: string[] = []): never {
  for (const d of details) process.stderr.write(`${d}\n`);
  // The cause is one line, whatever DuckDB put in the message (it adds "LINE n: …" context below).
  const oneLine = message.split("\n").map((l) => l.trim()).filter(Boolean).join(" ");
  process.stderr.write(`arwatch: ${oneLine}\n`);
  process.exit(1);
}

try {
  await program.parseAsync(process.argv);
} catch (e) {
  const err = e as Error & { code?: string; exitCode?: number };
  if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help") process.exit(0);
  if (err instanceof IngestRejected) fail(err.message, err.details);
  if (err instanceof BuildFailed) {
    const failed = err.result.tests.filter((t) => t.failures > 0 && t.test.severity === "error");
    const details = failed.flatMap((t) => [`data test ${t.test.name} (${t.test.model}): ${t.test.description}; failing rows:`, formatTable(t.sample)]);
    fail(`build failed, nothing was changed: ${err.message}`, details);
  }
  fail(err.message.replace(/^error: /, ""));
}
