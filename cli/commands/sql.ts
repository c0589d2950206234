import { Option, type Command } from "commander";
import { DEFAULT_DB } from "../../core/warehouse.ts";
import { CommandFailed } from "../failure.ts";
import { formatRows, type OutputFormat } from "../output-formats.ts";
import { withDb } from "../options.ts";
import { withWarehouse } from "../warehouse-access.ts";

/** DuckDB's words for what the sandbox refused, and arwatch's. */
function explain(message: string): string {
  if (/file system operations are disabled|external extensions is disabled|configuration has been locked/i.test(message)) {
    return `arwatch sql reads the warehouse and nothing else (no files, extensions or settings): ${message}`;
  }
  if (/read-only mode|read only/i.test(message)) return `arwatch sql is read-only: ${message}`;
  return message;
}

export function registerSql(program: Command): void {
  withDb(
    program
      .command("sql")
      .description("run a read-only query on the warehouse; it can read nothing else")
      .argument("<query>", "the SQL query")
      .addOption(new Option("--format <format>", "output format").choices(["table", "csv", "json"]).default("table")),
  ).action(async (query: string, opts: { db?: string; format: OutputFormat }) => {
    await withWarehouse(opts.db ?? DEFAULT_DB, "sandboxed", async (wh) => {
      let rows;
      try {
        rows = await wh.all(query);
      } catch (e) {
        throw new CommandFailed(explain((e as Error).message));
      }
      process.stdout.write(`${formatRows(rows, opts.format)}\n`);
    });
  });
}
