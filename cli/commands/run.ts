import { existsSync, readdirSync } from "node:fs";
import type { Command } from "commander";
import { runBuild } from "../build-step.ts";
import { contextFrom, type GlobalOptions } from "../context.ts";
import { withFigureOptions } from "../options.ts";
import { SAMPLE, SAMPLE_DIR } from "../sample.ts";
import { summarize } from "../summary.ts";
import { withWarehouse } from "../warehouse-access.ts";
import { siteHowTo } from "./report.ts";

export function registerRun(program: Command): void {
  withFigureOptions(
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
        const { generateExtracts } = await import("../../generate/generate.ts");
        await generateExtracts({ outDir: SAMPLE_DIR, ...SAMPLE, asOf: ctx.asOf, currency: ctx.config.currency }, ctx.log);
      }
      paths = [...paths, SAMPLE_DIR];
    }
    if (paths.length === 0) throw new Error("run: name extract files or folders, or use --sample");
    const [{ ingest }, { buildSite }] = await Promise.all([import("../../ingest/ingest.ts"), import("../../reports/build-site.ts")]);
    await withWarehouse(ctx.db, "create", async (wh) => {
      await ingest(wh, paths, { config: ctx.config, log: ctx.log, archiveDir: ctx.archiveDir });
      const result = await runBuild(ctx, wh);
      const out = await buildSite(wh, { config: ctx.config, log: ctx.log, warehousePath: ctx.db, archiveDir: ctx.archiveDir });
      process.stdout.write(`\n${await summarize(wh, result)}\n\n${siteHowTo(out)}\n`);
    });
  });
}
