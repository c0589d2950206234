// What a digest says, once, in words of its locale: the HTML, the plain text and the CSV are each
// a layout of these lines. Text from the data (customer names, notes) is cleaned of control and
// direction-override characters here, so no layout can be broken by a name with CR/LF in it;
// escaping for HTML is the HTML layout's job.
import { formatAmount } from "../../core/money.ts";
import type { Digest, DigestBreach, WorkListEntry } from "../digest.ts";
import type { WorkListSection } from "../schema.ts";
import { formatFact, presentFacts } from "./facts.ts";
import { fill, wordsFor, type Locale } from "./labels.ts";
import { agingUrl, customerPageUrl, portfolioUrl, siteBase } from "./links.ts";

/**
 * Lines the body shows per list (the alerts, each work-list section); the rest are in the CSV.
 * A first run over a large ledger can open thousands of breaches for one collector: a message
 * that long is neither read nor quick to send, and the CSV carries every line anyway.
 */
export const BODY_LINES = 100;

export const SECTION_ORDER: WorkListSection[] = ["milestone", "promise_due", "call_first", "disputed"];

export interface Link {
  label: string;
  url: string;
}

export interface AlertLine {
  breach: DigestBreach;
  rule: string;
  change: string;
  customer: string;
  document: string;
  amount: string;
  facts: string;
  links: Link[];
}

export interface WorkLine {
  entry: WorkListEntry;
  customer: string;
  document: string;
  amount: string;
  daysPastDue: string;
  dueDate: string;
  detail: string;
  links: Link[];
}

export interface DigestContent {
  locale: Locale;
  t: (key: string, fallback?: string) => string;
  subject: string;
  greeting: string;
  intro: string[];
  /** The alerts shown in the body (at most BODY_LINES; the CSV has them all) and how many there are. */
  alerts: AlertLine[];
  alertsTotal: number;
  sections: { section: WorkListSection; title: string; lines: WorkLine[]; total: number }[];
  footer: string;
}

// C0 and C1 controls, line and paragraph separators, and bidirectional overrides/isolates.
const UNSAFE_CHARS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]+/g;

/** Text from the data, on one line and without characters that could reorder or split it. */
export function clean(text: string | null | undefined): string {
  return text == null ? "" : text.replace(UNSAFE_CHARS, " ").trim();
}

function describeFacts(breach: DigestBreach, t: DigestContent["t"], currency: string): string {
  return presentFacts(breach.facts)
    .map(([key, value]) => `${t(`fact_${key}`, key.replace(/_/g, " "))}: ${clean(formatFact(breach.rule, key, value, currency))}`)
    .join("; ");
}

function customerLabel(name: string | null, id: string | null): string {
  const n = clean(name);
  const i = clean(id);
  if (n && i) return `${n} (${i})`;
  return n || i;
}

function linksFor(base: string | null, t: DigestContent["t"], customerId: string | null, rule: string, path: DigestBreach["agingPath"]): Link[] {
  if (!base) return [];
  if (customerId === null) return [{ label: t("portfolio_page"), url: portfolioUrl(base, rule) }];
  return [
    { label: t("customer_page"), url: customerPageUrl(base, customerId) },
    { label: t("aging_drill"), url: agingUrl(base, customerId, path) },
  ];
}

/** "100 of 2,345 lines shown; the attached CSV has them all." */
export function shownNote(c: DigestContent, shown: number, total: number): string {
  return fill(c.t("lines_shown"), { n: shown.toLocaleString("en-US"), total: total.toLocaleString("en-US") });
}

/**
 * A work-list line's detail in words: the milestone reached, the promised date, or a dispute's
 * reason (a code the site also translates; a reason without a word shows as it came).
 */
function detailText(section: WorkListSection, detail: string | null, t: DigestContent["t"]): string {
  const d = clean(detail);
  if (!d) return "";
  if (section === "milestone") return `${t("fact_milestone_days")}: ${d}`;
  if (section === "promise_due") return `${t("fact_promised_date")}: ${d}`;
  if (section === "disputed") return `${t("reason")}: ${t(`reason_${d}`, d)}`;
  return d;
}

/** Counts for the subject: breaches by change, and work-list lines. */
export function counts(digest: Digest): { new: number; escalated: number; reminder: number; work: number } {
  const by = (change: string) => digest.breaches.filter((b) => b.change === change).length;
  return { new: by("new"), escalated: by("escalated"), reminder: by("reminder"), work: digest.workList.length };
}

export function digestContent(digest: Digest): DigestContent {
  const t = wordsFor(digest.locale);
  const base = siteBase(digest.siteBaseUrl);
  const money = (v: string | null) => (v === null ? "" : formatAmount(v, digest.currency));
  // The subject carries no data but the title, the date and counts: no customer name can reach a header.
  const subject = clean(fill(t("subject"), { title: clean(digest.siteTitle) || "arwatch", as_of: digest.asOf, ...counts(digest) }));
  const intro = [fill(t("intro"), { as_of: digest.asOf })];
  if (digest.role === "fallback") intro.push(t("intro_fallback"));
  if (digest.role === "finance") intro.push(t("intro_finance"));
  const collector = clean(digest.collector);
  const alerts = digest.breaches.slice(0, BODY_LINES).map((b) => ({
    breach: b,
    rule: t(`rule_${b.rule}`, b.rule),
    change: t(`change_${b.change}`, b.change),
    customer: customerLabel(b.customerName, b.customerId),
    document: clean(b.documentId),
    amount: money(b.amount),
    facts: describeFacts(b, t, digest.currency),
    links: linksFor(base, t, b.customerId, b.rule, b.agingPath),
  }));
  const sections = SECTION_ORDER.map((section) => {
    const entries = digest.workList.filter((w) => w.section === section).sort((a, b) => a.rank - b.rank);
    const lines = entries.slice(0, BODY_LINES).map((w) => ({
      entry: w,
      customer: customerLabel(w.customerName, w.customerId),
      document: clean(w.documentId),
      amount: money(w.amount),
      daysPastDue: w.daysPastDue === null ? "" : String(w.daysPastDue),
      dueDate: w.dueDate ?? "",
      detail: detailText(section, w.detail, t),
      links: linksFor(base, t, w.customerId, section, w.agingPath),
    }));
    return { section, title: t(`section_${section}`), lines, total: entries.length };
  }).filter((s) => s.total > 0);
  return {
    locale: digest.locale,
    t,
    subject,
    greeting: collector ? fill(t("greeting"), { name: collector }) : t("greeting_anonymous"),
    intro,
    alerts,
    alertsTotal: digest.breaches.length,
    sections,
    footer: fill(t("footer"), { currency: digest.currency }),
  };
}
