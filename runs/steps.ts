// The four steps of the whole job, each over the real stage: ingest → build → notify → report.
// Stages are imported when their step starts, so a run that fails early never loads the site builder.
import { existsSync, readdirSync } from "node:fs";
import type { Config } from "../core/config.ts";
import type { Logger } from "../core/log.ts";
import type { Warehouse } from "../core/warehouse.ts";
import type { FileOutcome } from "../ingest/ingest.ts";
import type { BuildResult } from "../models/runner/build.ts";
import type { NotifySummary } from "../notify/notify.ts";
import type { JobStep } from "./job.ts";

export interface StepOptions {
  config: Config;
  asOf: string;
  log: Logger;
  now: () => Date;
  /** Extract files or folders named on the command line; none: the inbox. */
  paths: string[];
  /** Where to look when no paths are given (config ingest.inbox). A missing or empty inbox loads nothing. */
  inbox: string;
  archiveDir: string;
  /** The warehouse file: the site is never published over its folder. */
  warehousePath: string;
  /** Where .eml files go when smtpUrl is not set. */
  outboxDir: string;
  smtpUrl?: string;
  /** Where the site is published (default: the report builder's). */
  siteDir?: string;
  /** The build, if the caller wants its own (the CLI's prints failing rows); default the model runner. */
  build?: (wh: Warehouse) => Promise<BuildResult>;
}

/** What the steps produced, for the summary printed after the run. */
export interface JobOutputs {
  files: FileOutcome[];
  /** True when no paths were given and the inbox had no file. */
  inboxEmpty: boolean;
  build?: BuildResult;
  notify?: NotifySummary;
  siteDir?: string;
}

/** Files in a folder that could be extracts (hidden files are not); a missing folder has none. */
function visibleEntries(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => !f.startsWith("."));
}

/** The steps of one run over an open warehouse; `outputs` is filled as they finish. */
export function jobSteps(wh: Warehouse, runId: string, options: StepOptions, outputs: JobOutputs): JobStep[] {
  const { config, log, asOf, now } = options;
  return [
    {
      name: "ingest",
      async run() {
        const paths = options.paths.length > 0 ? options.paths : [options.inbox];
        if (options.paths.length === 0 && visibleEntries(options.inbox).length === 0) {
          log.info(`ingest: the inbox ${options.inbox} has no extracts; nothing to load`);
          outputs.inboxEmpty = true;
          return { files_loaded: 0, files_skipped: 0, rows_loaded: 0 };
        }
        const { ingest } = await import("../ingest/ingest.ts");
        outputs.files = await ingest(wh, paths, { config, log, archiveDir: options.archiveDir, now });
        const loaded = outputs.files.filter((f) => f.outcome === "loaded");
        return {
          files_loaded: loaded.length,
          files_skipped: outputs.files.length - loaded.length,
          rows_loaded: loaded.reduce((sum, f) => sum + f.rows, 0),
        };
      },
    },
    {
      name: "build",
      async run() {
        outputs.build = options.build ? await options.build(wh) : await defaultBuild(wh, options);
        const failed = outputs.build.tests.filter((t) => t.failures > 0);
        return {
          models_built: outputs.build.models.length,
          tests_passed: outputs.build.tests.length - failed.length,
          tests_warned: failed.filter((t) => t.test.severity === "warn").length,
        };
      },
    },
    {
      name: "notify",
      async run() {
        const { runNotify } = await import("../notify/notify.ts");
        const summary = await runNotify(wh, { config, asOf, log, now, smtpUrl: options.smtpUrl, outboxDir: options.outboxDir, runId });
        outputs.notify = summary;
        return {
          messages_queued: summary.queued,
          messages_sent: summary.sent,
          messages_failed: summary.failed,
          messages_waiting: summary.waiting,
          delivered_via: summary.deliveredVia,
        };
      },
    },
    {
      name: "report",
      async run() {
        const { buildSite } = await import("../reports/build-site.ts");
        outputs.siteDir = await buildSite(wh, {
          config,
          log,
          now,
          outDir: options.siteDir,
          warehousePath: options.warehousePath,
          archiveDir: options.archiveDir,
        });
        return { site_dir: outputs.siteDir };
      },
    },
  ];
}

async function defaultBuild(wh: Warehouse, options: StepOptions): Promise<BuildResult> {
  const [{ buildModels }, { modelSettings }, { ensureRawSchema }] = await Promise.all([
    import("../models/runner/build.ts"),
    import("../models/settings.ts"),
    import("../ingest/schema.ts"),
  ]);
  options.log.info(`building models as of ${options.asOf}`);
  const started = performance.now();
  const result = await buildModels(wh, { asOf: options.asOf, log: options.log, now: options.now, ...modelSettings(options.config), prepare: ensureRawSchema });
  options.log.info(`built ${result.models.length} models in ${((performance.now() - started) / 1000).toFixed(2)} s`);
  return result;
}
