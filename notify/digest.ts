// What the rules engine hands the renderer: one digest per recipient per run. Amounts are exact
// decimal strings (never floats); dates are 'YYYY-MM-DD'. The renderer turns a Digest into a whole
// MIME message (renderDigest in ./render/), which is stored in notify.messages before any delivery.
import type { RecipientRole, WorkListSection } from "./schema.ts";

export type BreachChange = "new" | "escalated" | "reminder";

/** One breach as a message reports it. */
export interface DigestBreach {
  breachId: string;
  rule: string; // over_limit, near_limit, over_max_debt_age, overdue, broken_promise, milestone, portfolio_*
  change: BreachChange;
  level: number;
  customerId: string | null;
  customerName: string | null;
  documentId: string | null;
  amount: string | null;
  /** The figures behind it, by name (credit_limit, exposure_amount, days_past_due, threshold, ...), exact strings or numbers. */
  facts: Record<string, string | number | null>;
  firstSeenAsOf: string;
  /** Optional: the customer's place in the aging drill-down, for a link straight to it (else the top of the aging page). */
  agingPath?: AgingPath;
}

/** The aging drill-down's levels above a customer (reports/src/components/drill.js); null stands for "none". */
export interface AgingPath {
  team: string | null;
  collector: string | null;
  group: string | null;
}

/** One line of a collector's daily work list. */
export interface WorkListEntry {
  section: WorkListSection; // milestone, promise_due, call_first, disputed (listed apart, not chased)
  rank: number;
  customerId: string;
  customerName: string | null;
  documentId: string | null;
  amount: string | null;
  daysPastDue: number | null;
  dueDate: string | null;
  /** The milestone reached (days past due), the promised date, or the dispute's note. */
  detail: string | null;
  /** Optional: as DigestBreach.agingPath. */
  agingPath?: AgingPath;
}

export interface Digest {
  /** Without angle brackets; the renderer writes it as the Message-ID header. */
  messageId: string;
  recipient: string;
  role: RecipientRole;
  /** The collector's name for a collector's digest. */
  collector: string | null;
  locale: "en" | "vi" | "th";
  currency: string;
  asOf: string;
  /** site.baseUrl, for links to the customer page and the aging drill-down; no links without it. */
  siteBaseUrl: string | null;
  /** The config's notify.from. */
  from: string;
  /** The site's title, e.g. "arwatch" (config site.title). */
  siteTitle: string;
  breaches: DigestBreach[];
  workList: WorkListEntry[];
  /**
   * Optional: the message's Date header, an ISO 8601 instant (e.g. now().toISOString() when it is
   * recorded). Without it the Date is the as-of date at 00:00 UTC, so a render never reads the clock.
   */
  date?: string;
}

/** A digest rendered: the subject (also stored in notify.messages) and the whole message as sent. */
export interface RenderedMessage {
  subject: string;
  rawMime: string;
}
