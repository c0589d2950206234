import type { Warehouse } from "../core/warehouse.ts";
import type { BuildResult } from "../models/runner/build.ts";
import type { Context } from "./context.ts";
import { CommandFailed } from "./failure.ts";
import { formatTable } from "./table-format.ts";

/** Builds the models as of the context's date; a failed blocking test shows its failing rows. */
export async function runBuild(ctx: Context, wh: Warehouse, select?: string): Promise<BuildResult> {
  const [{ BuildFailed, buildModels }, { modelSettings }, { ensureRawSchema }, { ensureNotifySchema }] = await Promise.all([
    import("../models/runner/build.ts"),
    import("../models/settings.ts"),
    import("../ingest/schema.ts"),
    import("../notify/schema.ts"),
  ]);
  ctx.log.info(`building models as of ${ctx.asOf}`);
  const started = performance.now();
  try {
    // The runner knows neither the config nor ingest: it gets the models' settings as build
    // parameters, and the raw tables are created first so that a warehouse with no load yet builds;
    // so are the notifier's tables, which the alerts marts (views) read before notify ever ran.
    const prepare = async (w: Warehouse) => {
      await ensureRawSchema(w);
      await ensureNotifySchema(w);
    };
    const result = await buildModels(wh, { asOf: ctx.asOf, log: ctx.log, select, ...modelSettings(ctx.config), prepare });
    ctx.log.info(`built ${result.models.length} models in ${((performance.now() - started) / 1000).toFixed(2)} s`);
    // A whole build publishes the credit check's standing; a partial one (--select) leaves the last.
    if (select === undefined && wh.path !== ":memory:") {
      const { publishStanding } = await import("../credit/publish-standing.ts");
      ctx.log.info(`credit standing published to ${await publishStanding(wh)}`);
    }
    return result;
  } catch (e) {
    if (!(e instanceof BuildFailed)) throw e;
    const failed = e.result.tests.filter((t) => t.failures > 0 && t.test.severity === "error");
    const details = failed.flatMap((t) => [`data test ${t.test.name} (${t.test.model}): ${t.test.description}; failing rows:`, formatTable(t.sample)]);
    throw new CommandFailed(`build failed, nothing was changed: ${e.message}`, details);
  }
}
