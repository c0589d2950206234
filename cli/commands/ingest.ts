import type { Command } from "commander";
import { contextFrom, type GlobalOptions } from "../context.ts";
import { withConfig, withDb } from "../options.ts";
import { withWarehouse } from "../warehouse-access.ts";

interface IngestOptions extends GlobalOptions {
  undo?: string[];
}

export function registerIngest(program: Command): void {
  withConfig(
    withDb(
      program
        .command("ingest")
        .description("load extracts (files or folders) into the warehouse, all or nothing; or take loads back with --undo")
        .argument("[paths...]", "extract files or folders")
        .option("--undo <load_id...>", "take back these loads (ids in meta.load_log), latest first, in one transaction"),
    ),
  ).action(async (paths: string[], opts: IngestOptions) => {
    const ctx = contextFrom(opts);
    if (opts.undo) {
      if (paths.length > 0) throw new Error("ingest: give extracts to load or --undo <load_id>, not both");
      const { undoLoads } = await import("../../ingest/undo.ts");
      const undone = await withWarehouse(ctx.db, "write", (wh) => undoLoads(wh, opts.undo!, { log: ctx.log }));
      for (const u of undone) {
        process.stdout.write(`undid load ${u.loadId} (${u.files.join(", ")}): removed ${u.rowsRemoved} row(s), restored ${u.rowsRestored} row(s)\n`);
      }
      // The marts still show the undone rows until they are rebuilt.
      process.stdout.write("the marts show the undone load until the next build: run arwatch build\n");
      return;
    }
    if (paths.length === 0) throw new Error("ingest: name extract files or folders to load, or --undo <load_id>");
    const { ingest } = await import("../../ingest/ingest.ts");
    await withWarehouse(ctx.db, "create", (wh) => ingest(wh, paths, { config: ctx.config, log: ctx.log, archiveDir: ctx.archiveDir }));
  });
}
