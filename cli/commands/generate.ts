import type { Command } from "commander";
import { contextFrom, type GlobalOptions } from "../context.ts";
import { positiveInt, withAsOf, withConfig } from "../options.ts";
import { SAMPLE } from "../sample.ts";

interface GenerateOptions extends GlobalOptions {
  out: string;
  customers: number;
  invoices: number;
  seed: number;
  months: number;
}

export function registerGenerate(program: Command): void {
  withAsOf(
    withConfig(
      program
        .command("generate")
        .description("write realistic, deterministic sample extracts as CSV")
        .requiredOption("--out <dir>", "the folder to write the extracts to")
        .option("--customers <n>", "how many customers", positiveInt("--customers"), SAMPLE.customers)
        .option("--invoices <n>", "how many ledger documents", positiveInt("--invoices"), SAMPLE.invoices)
        .option("--seed <n>", "the random seed; the same seed gives the same files", positiveInt("--seed"), SAMPLE.seed)
        .option("--months <n>", "months of history", positiveInt("--months"), SAMPLE.months),
    ),
  ).action(async (opts: GenerateOptions) => {
    const ctx = contextFrom(opts);
    const { generateExtracts } = await import("../../generate/generate.ts");
    await generateExtracts(
      { outDir: opts.out, customers: opts.customers, invoices: opts.invoices, seed: opts.seed, months: opts.months, asOf: ctx.asOf, currency: ctx.config.currency },
      ctx.log,
    );
  });
}
