/**
 * Steps timed after the full build, on the warehouse it built, as information (in no ratio): each
 * is an arwatch command run as a child process from the bench's work dir, like every arwatch step,
 * with its wall time, CPU time and peak RSS printed and kept in the results. The list is empty
 * until a stage wants its own figure; to add one (for example notify), push an entry here:
 *
 *   { name: "arwatch notify", args: (c) => ["notify", "--db", c.db, "--as-of", c.asOf, "--dry-run"],
 *     note: "(notify: the digests of every customer, sent nowhere)" }
 *
 * A step that fails is reported as a failure (exit code 1), like any other step.
 */
export interface BenchContext {
  /** The warehouse the bench ingested and fully built. */
  db: string;
  /** The as-of date of the build. */
  asOf: string;
  /** The bench's work dir (the child's cwd): scratch space that is deleted at the end unless --keep. */
  workDir: string;
  /** The extracts that were ingested. */
  extracts: string;
}

export interface ExtraBenchStep {
  name: string;
  /** The arguments after `node bin/arwatch.js`. */
  args: (context: BenchContext) => string[];
  /** Shown beside the figure, e.g. the target it is judged against. */
  note?: string;
}

export const EXTRA_STEPS: ExtraBenchStep[] = [
  {
    name: "arwatch notify",
    // Every breach is new on a fresh ledger: the heaviest notify there is. Into an outbox folder,
    // so no SMTP time is in the figure (bench/notify-delivery.ts measures SMTP delivery).
    args: (c) => ["notify", "--db", c.db, "--as-of", c.asOf, "--outbox", `${c.workDir}/outbox`],
    note: "(issue 8: rules, ledger, every digest rendered and written; target < 10 s without delivery: bench/notify.ts splits the phases)",
  },
  {
    name: "arwatch holds",
    // The credit check cold, on the standing the full build published: every customer's standing
    // loaded and the policy run for each (the next order of any size). The targets of issue 9
    // (decision, HTTP, reload) are measured by bench/credit.ts, in-process and on a real port.
    args: (c) => ["holds", "--db", c.db, "--format", "csv"],
    note: "(issue 9: the published standing loaded, the policy for every customer; the targets: bench/credit.ts)",
  },
];
