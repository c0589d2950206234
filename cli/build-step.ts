import type { Warehouse } from "../core/warehouse.ts";
import type { BuildResult } from "../models/runner/build.ts";
import type { Context } from "./context.ts";
import { CommandFailed } from "./failure.ts";
import { formatTable } from "./table-format.ts";

/** Builds the models as of the context's date; a failed blocking test shows its failing rows. */
export async function runBuild(ctx: Context, wh: Warehouse, select?: string): Promise<BuildResult> {
  const [{ BuildFailed, buildModels }, { modelSettings }, { ensureRawSchema }, { ensureNotifySchema }, credit, { creditLogPath }] = await Promise.all([
    import("../models/runner/build.ts"),
    import("../models/settings.ts"),
    import("../ingest/schema.ts"),
    import("../notify/schema.ts"),
    import("../credit/warehouse-tables.ts"),
    import("../credit/paths.ts"),
  ]);
  ctx.log.info(`building models as of ${ctx.asOf}`);
  const started = performance.now();
  try {
    // The runner knows neither the config nor ingest: it gets the models' settings as build
    // parameters, and the raw tables are created first so that a warehouse with no load yet builds;
    // so are the notifier's tables, which the alerts marts (views) read before notify ever ran,
    // and the credit check's, into which every build copies the credit log (marts.fct_credit_checks).
    const prepare = async (w: Warehouse) => {
      await ensureRawSchema(w);
      await ensureNotifySchema(w);
      await credit.ensureCreditSchema(w);
      const logFile = creditLogPath(w.path, ctx.config);
      const loaded = await credit.loadCreditLog(w, logFile, ctx.log);
      if (loaded.checks > 0) ctx.log.info(`credit log: ${loaded.checks} checks, ${loaded.overrides} later overrides from ${logFile}`);
    };
    const result = await buildModels(wh, { asOf: ctx.asOf, log: ctx.log, select, ...modelSettings(ctx.config), prepare });
    ctx.log.info(`built ${result.models.length} models in ${((performance.now() - started) / 1000).toFixed(2)} s`);
    // A whole build publishes the credit check's standing; a partial one (--select) leaves the last.
    if (select === undefined && wh.path !== ":memory:") {
      const { publishStanding } = await import("../credit/publish-standing.ts");
      ctx.log.info(`credit standing published to ${await publishStanding(wh)}`);
      await recordHolds(ctx, wh, credit.writeHolds);
    }
    return result;
  } catch (e) {
    if (!(e instanceof BuildFailed)) throw e;
    const failed = e.result.tests.filter((t) => t.failures > 0 && t.test.severity === "error");
    const details = failed.flatMap((t) => [`data test ${t.test.name} (${t.test.model}): ${t.test.description}; failing rows:`, formatTable(t.sample)]);
    throw new CommandFailed(`build failed, nothing was changed: ${e.message}`, details);
  }
}

/**
 * The customers on hold or blocked by the standing just published (pending approvals of the log
 * counted), into credit.holds for marts.rpt_credit_holds: what `arwatch holds` would list now.
 */
async function recordHolds(ctx: Context, wh: Warehouse, writeHolds: typeof import("../credit/warehouse-tables.ts").writeHolds): Promise<void> {
  const { openCreditSession } = await import("../credit/session.ts");
  // Read-only, and quiet: the build has already said what the log holds.
  const session = await openCreditSession({ db: wh.path, config: ctx.config });
  try {
    const rows = session.service.holds();
    await writeHolds(wh, rows, session.service.standing.build.asOfDate, new Date());
    ctx.log.info(`credit holds: ${rows.filter((r) => r.decision === "hold").length} on hold, ${rows.filter((r) => r.decision === "block").length} blocked`);
  } finally {
    await session.close();
  }
}
