import type { Command } from "commander";
import { runBuild } from "../build-step.ts";
import { contextFrom, type GlobalOptions } from "../context.ts";
import { withFigureOptions } from "../options.ts";
import { summarize } from "../summary.ts";
import { withWarehouse } from "../warehouse-access.ts";

export function registerBuild(program: Command): void {
  withFigureOptions(
    program
      .command("build")
      .description("build the models as of the as-of date and run the data tests")
      .option("--select <model>", "build only this model; model+ also builds everything downstream of it, +model everything upstream"),
  ).action(async (opts: GlobalOptions & { select?: string }) => {
    const ctx = contextFrom(opts);
    await withWarehouse(ctx.db, "write", async (wh) => {
      const result = await runBuild(ctx, wh, opts.select);
      if (!opts.select) process.stdout.write(`${await summarize(wh, result)}\n`);
    });
  });
}
