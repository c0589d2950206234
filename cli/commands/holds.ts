import type { Command } from "commander";
import { contextFrom, type GlobalOptions } from "../context.ts";
import { formatRows, type OutputFormat } from "../output-formats.ts";
import { withConfig, withDb } from "../options.ts";

export function registerHolds(program: Command): void {
  withConfig(
    withDb(
      program
        .command("holds")
        .description("the customers on hold or blocked now (their next order of any size would be), with the reasons, for import into the ERP")
        .option("--format <format>", "table, csv or json", "table"),
    ),
  ).action(async (opts: GlobalOptions & { format: string }) => {
    if (!["table", "csv", "json"].includes(opts.format)) throw new Error(`--format must be table, csv or json, not ${JSON.stringify(opts.format)}`);
    const ctx = contextFrom(opts);
    const { openCreditSession } = await import("../../credit/session.ts");
    const session = await openCreditSession({ db: ctx.db, config: ctx.config, log: ctx.log });
    try {
      const rows = session.service.holds();
      process.stdout.write(`${formatRows(rows as unknown as Record<string, unknown>[], opts.format as OutputFormat)}\n`);
    } finally {
      await session.close();
    }
  });
}
