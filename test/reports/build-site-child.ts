// A real site build in its own process that stops at a given step and waits there to be killed,
// so a test can kill -9 it at a point a poll of the file system cannot catch (after the link swap).
// Usage: node --import tsx test/reports/build-site-child.ts <warehouse> <out> <stage>
import { parseConfig } from "../../core/config.ts";
import { stderrLogger } from "../../core/log.ts";
import { openWarehouse } from "../../core/warehouse.ts";
import { buildSite, type BuildStage } from "../../reports/build-site.ts";

const [db, out, stopAt] = process.argv.slice(2) as [string, string, BuildStage];
const wh = await openWarehouse(db, { readOnly: true });
await buildSite(wh, {
  config: parseConfig({}),
  outDir: out,
  log: stderrLogger,
  onStage: async (stage, where) => {
    if (stage !== stopAt) return;
    process.stdout.write(`${JSON.stringify({ stage, ...where })}\n`);
    // An open timer keeps the process alive until the test kills it.
    setInterval(() => {}, 60_000);
    await new Promise(() => {});
  },
});
