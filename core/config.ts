import { existsSync, readFileSync } from "node:fs";
import { Cron } from "croner";
import { z } from "zod";
import { sourcesSchema } from "./sources-config.ts";
import { parseYaml } from "./yaml.ts";

/**
 * A count of days the models can compute with: whole, and at most 100 years, far inside the
 * engine's integer range (a bound of 2^31 days would fail the build, not the config).
 */
const MAX_DAYS = 36_500;
const days = (min: number) => z.number().int().min(min).max(MAX_DAYS, `at most ${MAX_DAYS} days (100 years)`);

/** Bucket bounds must rise strictly, or a day could fall in two buckets or none. */
const bucketBounds = z
  .array(days(1))
  .min(1)
  .refine((b) => b.every((v, i) => i === 0 || v > b[i - 1]!), "bounds must be strictly increasing");

/** The format codes DuckDB's strptime takes (checked against the engine), so a typo fails here, not at ingest. */
const DATE_CODES = new Set("a A b B c d -d g G h H -H I -I j -j m -m M -M n p S -S T u U V w W x X y -y Y z Z f %".split(" ").map((c) => `%${c}`));
const YEAR_CODES = ["%Y", "%y", "%-y", "%G", "%g"];
const MONTH_CODES = ["%m", "%-m", "%b", "%B", "%h"];
const DAY_CODES = ["%d", "%-d"];

/** Why a date format cannot read ledger dates, or undefined when it can. */
export function dateFormatProblem(format: string): string | undefined {
  const codes = format.match(/%-?./g) ?? [];
  const unknown = codes.find((c) => !DATE_CODES.has(c));
  if (unknown) return `${unknown} is not a date format code (e.g. %d/%m/%Y; codes: ${[...DATE_CODES].join(" ")})`;
  if (/%-?$/.test(format.replace(/%-?./g, ""))) return "ends with an unfinished % code";
  const has = (list: string[]) => codes.some((c) => list.includes(c));
  const hasDayOfYear = codes.some((c) => c === "%j" || c === "%-j");
  if (!has(YEAR_CODES) || !((has(MONTH_CODES) && has(DAY_CODES)) || hasDayOfYear)) {
    return "must give a year, a month and a day (e.g. %d/%m/%Y)";
  }
  return undefined;
}

const dateFormat = z.string().superRefine((format, ctx) => {
  const problem = dateFormatProblem(format);
  if (problem) ctx.addIssue({ code: "custom", message: problem, input: format });
});

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Why croner cannot schedule a cron expression, or undefined when it can; checked at load, not at 6 a.m. */
export function cronProblem(expression: string): string | undefined {
  try {
    new Cron(expression, { paused: true }).stop();
    return undefined;
  } catch (e) {
    return `not a cron expression croner accepts (minute hour day-of-month month day-of-week, e.g. "0 6 * * 1-5"): ${(e as Error).message}`;
  }
}

const email = z.email({ message: "an e-mail address such as ar-team@example.com" });
const share = z.number().min(0).max(1);
const percent = z.number().min(0).max(10_000);
const money = z.number().min(0).max(1e17);

/** Config `notify`: the breach rules, who hears of them, and how delivery retries (README: Notify). */
const notifySchema = z
  .object({
    from: z.string().min(1).max(200).default("arwatch <arwatch@example.com>"),
    /** Breaches of customers with no valid collector address go here: never dropped. */
    fallbackRecipients: z.array(email).min(1).default(["ar-team@example.com"]),
    /** Portfolio thresholds are sent here. */
    financeRecipients: z.array(email).min(1).default(["finance@example.com"]),
    /** A breach still open is notified again after this many days, even if it did not escalate. */
    renotifyDays: days(1).default(7),
    /** A breach escalates when its amount grew by at least this share since it was last notified (0.25 = 25 %). */
    escalationStep: z.number().min(0).max(100).default(0.25),
    rules: z
      .object({
        overLimit: z.boolean().default(true),
        /** Opt-in: utilisation at or above this share of the limit (e.g. 0.9); off when absent. */
        nearLimit: share.optional(),
        overMaxDebtAge: z.boolean().default(true),
        /** Days past due; each is a higher level of the overdue rule. */
        overdueDays: z.array(days(1)).default([30, 60, 90]).refine((b) => b.every((v, i) => i === 0 || v > b[i - 1]!), "must be strictly increasing"),
        brokenPromise: z.boolean().default(true),
      })
      .strict()
      .prefault({}),
    portfolio: z
      .object({
        /** Expected credit loss above this amount (in the currency); off when absent. */
        expectedLossAbove: money.optional(),
        /** Expected credit loss up more than this many percent on the previous month-end; null turns it off. */
        expectedLossUpPercent: percent.nullable().default(10),
        /** DSO above this many days; off when absent. */
        dsoAbove: days(1).optional(),
        /** The share of the outstanding balance under follow-up below this (0–1); off when absent. */
        followUpShareBelow: share.optional(),
        /** Expected bad debt up more than this many percent on the previous month-end; null turns it off. */
        expectedBadDebtUpPercent: percent.nullable().default(10),
      })
      .strict()
      .prefault({}),
    workList: z
      .object({
        /** Reminder milestones in days past due (negative: before the due date). */
        milestones: z.array(z.number().int().min(-365).max(36_500)).min(1).default([-3, 0, 7, 30]).refine((b) => b.every((v, i) => i === 0 || v > b[i - 1]!), "must be strictly increasing"),
        /** How many customers each collector's "call first" list holds. */
        callFirst: z.number().int().min(1).max(1000).default(10),
      })
      .strict()
      .prefault({}),
    delivery: z
      .object({
        /** Attempts before a message that keeps failing temporarily is marked failed. */
        maxAttempts: z.number().int().min(1).max(100).default(8),
        /** The first retry waits this long; each next one twice as long (capped at a day). */
        retryAfterMinutes: z.number().int().min(1).max(1440).default(5),
        /** Messages a second at most over SMTP (0: no limit). */
        rateLimitPerSecond: z.number().int().min(0).max(10_000).default(0),
      })
      .strict()
      .prefault({}),
  })
  .strict()
  .prefault({});

/** Config `creditCheck`: the order-time credit policy (README: Credit check). */
const creditCheckSchema = z
  .object({
    /** A balance more than this many days past due holds a sale (counted at the build). */
    holdDaysPastDue: days(1).default(60),
    /** Anything overdue more than this many days warns (counted at the build). */
    graceDays: days(0).default(0),
    /** A days-past-due rule counts only when at least this much is that late: dust never holds a sale. */
    minOverdueAmount: money.default(1),
    /** The last successful build older than this many hours makes the answer stale. */
    maxDataAgeHours: z.number().int().min(1).max(8760).default(36),
    /** What stale data does to an answer: warn (default) or hold. */
    staleData: z.enum(["warn", "hold"]).default("warn"),
    /** An approved check reserves its amount this long unless an ingest brings its order in first. */
    pendingHours: z.number().int().min(1).max(8760).default(72),
    /** Whether a block may be overridden like a hold (default: never). */
    allowBlockOverride: z.boolean().default(false),
    /** The append-only log of checks and overrides; default <warehouse>.credit-log.jsonl beside the warehouse. */
    logFile: z.string().min(1).optional(),
  })
  .strict()
  .prefault({});

export const configSchema = z
  .object({
    currency: z.string().regex(/^[A-Z]{3}$/, "an ISO 4217 code such as USD, VND or THB").default("USD"),
    /**
     * Amounts in another currency than `currency` (the functional one) are converted with the
     * fx_rates extract (README: Several currencies).
     */
    fx: z
      .object({
        /** as_of_date: every amount at the rate in force at the as-of date; document_date: each document (and what settles it) at its own date's. */
        rateDate: z.enum(["as_of_date", "document_date"]).default("as_of_date"),
        /** A rate older than this many days at the as-of date counts as missing: the build stops and says so. */
        maxRateAgeDays: days(0).default(31),
      })
      .strict()
      .prefault({}),
    /**
     * How payments and credits that name no open document are aged: as_named leaves them unapplied
     * (today's behaviour); fifo applies each customer's unapplied cash and credits to its oldest
     * open documents by due date, as of the as-of date (README: Allocation).
     */
    allocation: z.enum(["as_named", "fifo"]).default("as_named"),
    aging: z
      .object({
        basis: z.enum(["due_date", "document_date"]).default("due_date"),
        buckets: bucketBounds.default([30, 60, 90, 120]),
      })
      .strict()
      .prefault({}),
    badDebt: z
      .object({ maxDebtAgeDays: days(0).default(180) })
      .strict()
      .prefault({}),
    creditStatus: z
      .object({ warnAt: z.number().positive().max(10).default(0.9) })
      .strict()
      .prefault({}),
    history: z
      .object({ months: z.number().int().min(2).max(120).default(24) })
      .strict()
      .prefault({}),
    expectedLoss: z
      .object({
        method: z.enum(["roll_rate", "matrix"]).default("roll_rate"),
        lookbackMonths: z.number().int().min(1).max(60).default(12),
        segmentBy: z.enum(["customer_group", "none"]).default("customer_group"),
        lossRates: z.record(z.string(), z.number().min(0).max(1)).default({}),
        forwardLookingFactor: z.number().min(0).max(10).default(1),
        /** A balance more than this many days past due is in default: the roll chain ends there (off when absent: it ends in write-offs). */
        defaultAfterDays: days(1).optional(),
        /** The share of a defaulted balance that is lost (loss given default), 0–1. */
        lossGivenDefault: z.number().min(0).max(1).default(1),
      })
      .strict()
      .prefault({}),
    /** The cash forecast (README: Cash forecast): how many weeks, over how much payment history, with open orders or not. */
    forecast: z
      .object({
        weeks: z.number().int().min(1).max(52).default(13),
        /** The trailing months of payments whose days late make each customer's delay distribution. */
        lookbackMonths: z.number().int().min(1).max(60).default(12),
        /** Whether unbilled open orders are forecast too (invoiced on the as-of date, due after the customer's usual terms). */
        includeOpenOrders: z.boolean().default(false),
      })
      .strict()
      .prefault({}),
    site: z
      .object({
        locale: z.enum(["en", "vi", "th"]).default("en"),
        title: z.string().min(1).max(80).default("arwatch"),
        /** Where readers reach the published site; links in e-mails start here (no link without it). */
        baseUrl: z.url({ protocol: /^https?$/, message: "an http(s) address such as https://ar.example.com/" }).optional(),
      })
      .strict()
      .prefault({}),
    ingest: z
      .object({
        dateFormats: z.array(dateFormat).min(1).default(["%Y-%m-%d", "%d/%m/%Y"]),
        archiveDir: z.string().min(1).optional(),
        /** Where `arwatch run` looks for extracts when it is given no paths. */
        inbox: z.string().min(1).default("data/inbox"),
      })
      .strict()
      .prefault({}),
    /** How to read an ERP's own files (README: Source mappings). */
    sources: sourcesSchema,
    notify: notifySchema,
    creditCheck: creditCheckSchema,
    schedule: z
      .object({
        /** Five- or six-field cron expression (croner syntax); checked when the config loads. */
        cron: z.string().min(1).default("0 6 * * *"),
        /** An IANA time zone such as Asia/Bangkok; default the machine's own. */
        timezone: z
          .string()
          .min(1)
          .optional()
          .refine((zone) => zone === undefined || isTimeZone(zone), "not an IANA time zone (e.g. Asia/Bangkok, Asia/Ho_Chi_Minh)"),
      })
      .strict()
      .superRefine((s, ctx) => {
        const problem = cronProblem(s.cron);
        if (problem) ctx.addIssue({ code: "custom", path: ["cron"], input: s.cron, message: problem });
      })
      .prefault({}),
  })
  .strict()
  .superRefine((c, ctx) => {
    // Loss rates are keyed by bucket label, so they must name the configured buckets.
    const labels = bucketLabels(c.aging.buckets);
    for (const label of Object.keys(c.expectedLoss.lossRates)) {
      if (!labels.includes(label)) {
        ctx.addIssue({ code: "custom", path: ["expectedLoss", "lossRates", label], input: c.expectedLoss.lossRates[label], message: `not a bucket label; the buckets are ${labels.join(", ")}` });
      }
    }
    if (c.expectedLoss.method === "matrix") {
      const missing = labels.filter((l) => !(l in c.expectedLoss.lossRates));
      if (missing.length) {
        ctx.addIssue({ code: "custom", path: ["expectedLoss", "lossRates"], input: c.expectedLoss.lossRates, message: `method matrix needs a rate for every bucket; missing: ${missing.join(", ")}` });
      }
    }
    c.sources.forEach((source, i) => {
      const formats = typeof source.dates.format === "string" ? [source.dates.format] : source.dates.format;
      for (const format of formats) {
        const problem = dateFormatProblem(format) ?? (source.dates.buddhistEra && !format.includes("%Y") ? "buddhistEra needs a 4-digit year (%Y)" : undefined);
        if (problem) ctx.addIssue({ code: "custom", path: ["sources", i, "dates", "format"], input: format, message: problem });
      }
    });
    // A bucket cannot be partly in default: default starts at a bucket bound (the build checks it too).
    const defaultAfter = c.expectedLoss.defaultAfterDays;
    if (defaultAfter !== undefined && !c.aging.buckets.includes(defaultAfter)) {
      ctx.addIssue({ code: "custom", path: ["expectedLoss", "defaultAfterDays"], input: defaultAfter, message: `must be one of the bounds of aging.buckets (${c.aging.buckets.join(", ")}): a bucket cannot be partly in default` });
    }
    if (c.expectedLoss.lookbackMonths >= c.history.months) {
      ctx.addIssue({ code: "custom", path: ["expectedLoss", "lookbackMonths"], input: c.expectedLoss.lookbackMonths, message: `must be less than history.months (${c.history.months}): each month-end pair needs the month-end before it` });
    }
  });

export type Config = Readonly<z.infer<typeof configSchema>>;

export const DEFAULT_CONFIG_FILE = "arwatch.config.yaml";

/** Deep-freezes so that no stage can change the configuration another stage reads. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

/** Parses a config object; the error names the key, the value found and what was expected. */
export function parseConfig(input: unknown, source = "config"): Config {
  const result = configSchema.safeParse(input ?? {}, { reportInput: true });
  if (!result.success) {
    const issue = result.error.issues[0]!;
    if (issue.code === "unrecognized_keys") {
      const key = [...issue.path, issue.keys[0]].join(".");
      throw new Error(`${source}: ${key}: unknown key (check its spelling against the README's config keys)`);
    }
    const key = issue.path.join(".") || "(top level)";
    const found = issue.input === undefined ? "(missing)" : JSON.stringify(issue.input);
    throw new Error(`${source}: ${key} = ${found}: ${issue.message}`);
  }
  return deepFreeze(result.data);
}

/** Loads the YAML file if given or present at the default path, else the built-in defaults. */
export function loadConfig(file?: string): Config {
  const path = file ?? (existsSync(DEFAULT_CONFIG_FILE) ? DEFAULT_CONFIG_FILE : undefined);
  if (!path) return parseConfig({}, "built-in defaults");
  if (!existsSync(path)) throw new Error(`config file not found: ${path}`);
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(path, "utf8"));
  } catch (e) {
    throw new Error(`${path}: not valid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  return parseConfig(doc, path);
}

/** Labels for bucket bounds: [30, 60] → not_due, 1-30, 31-60, 61+. */
export function bucketLabels(bounds: readonly number[]): string[] {
  const labels = ["not_due"];
  let lower = 1;
  for (const upper of bounds) {
    labels.push(`${lower}-${upper}`);
    lower = upper + 1;
  }
  labels.push(`${lower}+`);
  return labels;
}
