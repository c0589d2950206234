import { existsSync } from "node:fs";
import type { Warehouse } from "../core/warehouse.ts";
import type { StandingAside } from "../credit/publish-standing.ts";
import type { HoldRow } from "../credit/service.ts";
import type { BuildResult } from "../models/runner/build.ts";
import type { Context } from "./context.ts";
import { CommandFailed } from "./failure.ts";
import { formatTable } from "./table-format.ts";

/** Builds the models as of the context's date; a failed blocking test shows its failing rows. */
export async function runBuild(ctx: Context, wh: Warehouse, select?: string): Promise<BuildResult> {
  const [{ BuildFailed, buildModels }, { modelSettings }, { ensureRawSchema }, { ensureNotifySchema }, credit, { creditLogPath }, standing] = await Promise.all([
    import("../models/runner/build.ts"),
    import("../models/settings.ts"),
    import("../ingest/schema.ts"),
    import("../notify/schema.ts"),
    import("../credit/warehouse-tables.ts"),
    import("../credit/paths.ts"),
    import("../credit/publish-standing.ts"),
  ]);
  ctx.log.info(`building models as of ${ctx.asOf}`);
  const started = performance.now();
  // A whole build publishes the credit check's standing; a partial one (--select) leaves the last.
  const publishes = select === undefined && wh.path !== ":memory:";
  let aside: StandingAside | undefined;
  let holds: Promise<Holds> | undefined;
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
    // The standing is written aside from the build's own marts before the warehouse commits them,
    // and the holds are worked out from it while the commit runs (its last second or two is one
    // thread's work); it is swapped in only once the warehouse holds the build.
    const beforeCommit = publishes
      ? async (w: Warehouse) => {
          aside = await standing.writeStandingAside(w);
          holds = workOutHolds(ctx, wh.path, aside.working);
          // Handled once the build is over, whatever its outcome.
          holds.catch(() => undefined);
        }
      : undefined;
    const result = await buildModels(wh, { asOf: ctx.asOf, log: ctx.log, select, ...modelSettings(ctx.config), prepare, beforeCommit });
    ctx.log.info(`built ${result.models.length} models in ${((performance.now() - started) / 1000).toFixed(2)} s`);
    if (aside && holds) {
      try {
        standing.swapStandingIn(aside);
      } catch (e) {
        throw new Error(`the build is in the warehouse, but its credit standing could not be put in place (the previous one stays): ${(e as Error).message}`);
      }
      ctx.log.info(`credit standing published to ${aside.target}`);
      const { rows, asOfDate } = await holds;
      await credit.writeHolds(wh, rows, asOfDate, new Date());
      ctx.log.info(`credit holds: ${rows.filter((r) => r.decision === "hold").length} on hold, ${rows.filter((r) => r.decision === "block").length} blocked`);
    }
    return result;
  } catch (e) {
    if (aside && existsSync(aside.working)) {
      await holds?.catch(() => undefined);
      standing.discardStandingAside(aside);
    }
    if (!(e instanceof BuildFailed)) throw e;
    const failed = e.result.tests.filter((t) => t.failures > 0 && t.test.severity === "error");
    const details = failed.flatMap((t) => [`data test ${t.test.name} (${t.test.model}): ${t.test.description}; failing rows:`, formatTable(t.sample)]);
    const outcome = e.committed
      ? "build failed after its models were written to the warehouse (they stay; the credit standing and holds were not updated: run arwatch build again)"
      : "build failed, nothing was changed";
    throw new CommandFailed(`${outcome}: ${e.message}`, details);
  }
}

interface Holds {
  rows: HoldRow[];
  asOfDate: string;
}

/**
 * The customers on hold or blocked by a standing (pending approvals of the log counted), for
 * credit.holds and marts.rpt_credit_holds: what `arwatch holds` will list once it is published.
 */
async function workOutHolds(ctx: Context, db: string, standingFile: string): Promise<Holds> {
  const { openCreditSession } = await import("../credit/session.ts");
  // Read-only, and quiet: the build has already said what the log holds.
  const session = await openCreditSession({ db, config: ctx.config, standingFile });
  try {
    return { rows: session.service.holds(), asOfDate: session.service.standing.build.asOfDate };
  } finally {
    await session.close();
  }
}
