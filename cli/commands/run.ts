import { existsSync, readdirSync } from "node:fs";
import type { Command } from "commander";
import { DEFAULT_SITE_OUT } from "../../reports/site-paths.ts";
import { runBuild } from "../build-step.ts";
import { contextFrom, type Context, type GlobalOptions } from "../context.ts";
import { CommandFailed } from "../failure.ts";
import { withFigureOptions } from "../options.ts";
import { SAMPLE, SAMPLE_DIR } from "../sample.ts";
import { summarize } from "../summary.ts";
import { safeForTerminal } from "../terminal-text.ts";
import type { NotifySummary } from "../../notify/notify.ts";
import type { PerformRunOptions } from "../../runs/perform-run.ts";
import { outboxFor } from "./notify.ts";
import { siteHowTo } from "./report.ts";

/** The --outbox option of run and schedule: the same folder as `arwatch notify`'s. */
export const OUTBOX_HELP = "where messages are written as .eml files when ARWATCH_SMTP_URL is not set (default: outbox/ beside the warehouse, i.e. data/outbox)";

export interface RunCommandOptions extends GlobalOptions {
  sample?: boolean;
  outbox?: string;
  site?: string;
}

/** The --site option of run and schedule, as `arwatch report build --out`. */
export const SITE_HELP = `where the report site is published: an empty folder or an earlier arwatch site (default ${DEFAULT_SITE_OUT})`;

/** The options of one run of the whole job, shared by `arwatch run` and `arwatch schedule`. */
export function runOptions(ctx: Context, opts: { outbox?: string; site?: string }, paths: string[]): Omit<PerformRunOptions, "what" | "asOf"> {
  return {
    db: ctx.db,
    config: ctx.config,
    log: ctx.log,
    now: () => new Date(),
    paths,
    inbox: ctx.config.ingest.inbox,
    archiveDir: ctx.archiveDir,
    warehousePath: ctx.db,
    outboxDir: outboxFor(ctx.db, opts.outbox),
    smtpUrl: process.env.ARWATCH_SMTP_URL || undefined,
    siteDir: opts.site,
  };
}

/** "3 recorded; 3 written to data/outbox" — what the notify step did, for the summary. */
export function messagesLine(n: NotifySummary): string {
  const via = /^smtp/i.test(n.deliveredVia) ? `sent over ${n.deliveredVia}` : `written to ${n.deliveredVia}`;
  const extra = [n.failed ? `${n.failed} failed` : "", n.waiting ? `${n.waiting} waiting to retry` : ""].filter(Boolean);
  return `  Messages             ${n.queued} recorded this run; ${n.sent} ${via}${extra.length ? ` (${extra.join(", ")})` : ""}`;
}

export function registerRun(program: Command): void {
  withFigureOptions(
    program
      .command("run")
      .description("the whole job once, each step recorded (see arwatch runs): ingest the extracts, build the models, notify, build the report site")
      .argument("[paths...]", "extract files or folders (default: the inbox folder, config ingest.inbox)")
      .option("--sample", `use the bundled sample extracts in ${SAMPLE_DIR}, generating them if absent`)
      .option("--outbox <dir>", OUTBOX_HELP)
      .option("--site <dir>", SITE_HELP),
  ).action(async (paths: string[], opts: RunCommandOptions) => {
    const ctx = contextFrom(opts);
    if (opts.sample) {
      if (!existsSync(SAMPLE_DIR) || readdirSync(SAMPLE_DIR).length === 0) {
        ctx.log.info(`generating sample extracts in ${SAMPLE_DIR}`);
        const { generateExtracts } = await import("../../generate/generate.ts");
        await generateExtracts({ outDir: SAMPLE_DIR, ...SAMPLE, asOf: ctx.asOf, currency: ctx.config.currency }, ctx.log);
      }
      paths = [...paths, SAMPLE_DIR];
    }
    const [{ performRun }, { JobFailed }, { stopOnSignals }] = await Promise.all([
      import("../../runs/perform-run.ts"),
      import("../../runs/job.ts"),
      import("../../runs/stop-signal.ts"),
    ]);
    const stop = stopOnSignals((m) => ctx.log.warn(`run: ${m}`));
    try {
      const { result } = await performRun(
        { trigger: "manual", scheduledFor: null },
        {
          ...runOptions(ctx, opts, paths),
          what: "arwatch run",
          asOf: ctx.asOf,
          stop,
          build: (wh) => runBuild(ctx, wh),
          after: async (wh, result, outputs) => {
            if (result.outcome !== "ok") return;
            const lines = [""];
            if (outputs.inboxEmpty) lines.push(`No extracts in the inbox ${safeForTerminal(ctx.config.ingest.inbox)}: figures are from the data loaded before.`);
            lines.push(await summarize(wh, outputs.build!));
            if (outputs.notify) lines.push(messagesLine(outputs.notify));
            lines.push("", siteHowTo(outputs.siteDir!), `Run ${result.runId} recorded: arwatch runs shows it.`, "");
            process.stdout.write(lines.join("\n"));
          },
        },
      );
      if (result.outcome === "stopped") {
        const code = result.stoppedBy === "SIGINT" ? 130 : 143;
        throw new CommandFailed(`run ${result.runId} stopped by ${result.stoppedBy} after its ${result.steps.at(-1)?.name ?? "first"} step; not run: ${result.notStarted.join(", ")}`, [], code);
      }
    } catch (e) {
      if (!(e instanceof JobFailed)) throw e;
      // The step's own error keeps its details (a data test's failing rows); the run is recorded as failed.
      const cause = e.cause as Error & { details?: unknown; exitCode?: number };
      const details = Array.isArray(cause?.details) ? cause.details.map(String) : [];
      throw new CommandFailed(`run ${e.runId} failed at the ${e.step} step (recorded; see arwatch runs): ${cause?.message ?? e.message}`, details, cause instanceof CommandFailed ? cause.exitCode : 1);
    } finally {
      stop.dispose();
    }
  });
}
