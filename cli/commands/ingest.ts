import type { Command } from "commander";
import { contextFrom, type GlobalOptions } from "../context.ts";
import { withConfig, withDb } from "../options.ts";
import { withWarehouse } from "../warehouse-access.ts";

export function registerIngest(program: Command): void {
  withConfig(
    withDb(
      program
        .command("ingest")
        .description("load extracts (files or folders) into the warehouse, all or nothing")
        .argument("<paths...>", "extract files or folders"),
    ),
  ).action(async (paths: string[], opts: GlobalOptions) => {
    const ctx = contextFrom(opts);
    const { ingest } = await import("../../ingest/ingest.ts");
    await withWarehouse(ctx.db, "create", (wh) => ingest(wh, paths, { config: ctx.config, log: ctx.log, archiveDir: ctx.archiveDir }));
  });
}
