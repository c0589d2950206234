import { existsSync } from "node:fs";
import type { Command } from "commander";
import { DEFAULT_SITE_OUT } from "../../reports/site-paths.ts";
import { contextFrom, type GlobalOptions } from "../context.ts";
import { positiveInt, withConfig, withDb } from "../options.ts";
import { withWarehouse } from "../warehouse-access.ts";

export function siteHowTo(out: string): string {
  return `Report site: ${out}\n  Open it with: npx arwatch report serve --dir ${out}   then browse http://127.0.0.1:3000`;
}

export function registerReport(program: Command): void {
  const report = program.command("report").description("the static report site");

  withConfig(
    withDb(
      report
        .command("build")
        .description("build the report site from the warehouse's last build, with no network request")
        .option("--out <dir>", "where to write the site (an empty folder or an earlier arwatch site)", DEFAULT_SITE_OUT),
    ),
  ).action(async (opts: GlobalOptions & { out: string }) => {
    const ctx = contextFrom(opts);
    const { buildSite } = await import("../../reports/build-site.ts");
    await withWarehouse(ctx.db, "read", async (wh) => {
      const out = await buildSite(wh, { config: ctx.config, outDir: opts.out, log: ctx.log, warehousePath: ctx.db, archiveDir: ctx.archiveDir });
      process.stdout.write(`${siteHowTo(out)}\n`);
    });
  });

  withConfig(withDb(report.command("preview").description("serve the report site's pages live while you edit them (Framework's preview)"))).action(
    async (opts: GlobalOptions) => {
      const ctx = contextFrom(opts);
      const [{ previewSite }, { openWarehouse }] = await Promise.all([import("../../reports/build-site.ts"), import("../../core/warehouse.ts")]);
      await previewSite(await openWarehouse(ctx.db, { readOnly: true }), { config: ctx.config, log: ctx.log });
    },
  );

  report
    .command("serve")
    .description("serve the built report site on 127.0.0.1")
    .option("--dir <dir>", "the built site", DEFAULT_SITE_OUT)
    .option("--port <n>", "the port", positiveInt("--port"), 3000)
    .action(async (opts: { dir: string; port: number }) => {
      if (!existsSync(opts.dir)) throw new Error(`no site at ${opts.dir}: run arwatch report build first`);
      const { serveSite } = await import("../../reports/serve-site.ts");
      const { url } = await serveSite(opts.dir, opts.port);
      process.stdout.write(`Serving ${opts.dir} at ${url} (Ctrl-C to stop)\n`);
      await new Promise(() => {});
    });
}
