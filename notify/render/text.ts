// The digest's plain-text part, for clients that do not show HTML and for reading in a terminal.
// Values were cleaned of control characters in content.ts, so each stays on its own line.
import { shownNote, type DigestContent, type Link } from "./content.ts";

function links(ls: Link[]): string[] {
  return ls.map((l) => `    ${l.label}: ${l.url}`);
}

function joinParts(parts: string[]): string {
  return parts.filter((p) => p !== "").join(" · ");
}

export function digestText(c: DigestContent): string {
  const t = c.t;
  const out: string[] = [c.greeting, "", ...c.intro, "", `== ${t("alerts")} ==`];
  if (c.alerts.length === 0) out.push(t("no_alerts"));
  for (const a of c.alerts) {
    out.push(`- ${a.rule} (${a.change}, ${t("level")} ${a.breach.level}): ${joinParts([a.customer, a.document, a.amount])}`);
    if (a.facts) out.push(`    ${a.facts}`);
    out.push(`    ${t("first_seen")}: ${a.breach.firstSeenAsOf}`);
    out.push(...links(a.links));
  }
  if (c.alertsTotal > c.alerts.length) out.push(shownNote(c, c.alerts.length, c.alertsTotal));
  out.push("", `== ${t("work_list")} ==`);
  if (c.sections.length === 0) out.push(t("no_work"));
  for (const s of c.sections) {
    out.push("", `-- ${s.title} --`);
    for (const l of s.lines) {
      const dpd = l.daysPastDue === "" ? "" : `${t("days_past_due")} ${l.daysPastDue}`;
      const due = l.dueDate === "" ? "" : `${t("due_date")} ${l.dueDate}`;
      out.push(`${l.entry.rank}. ${joinParts([l.customer, l.document, l.amount, dpd, due, l.detail])}`);
      out.push(...links(l.links));
    }
    if (s.total > s.lines.length) out.push(shownNote(c, s.lines.length, s.total));
  }
  out.push("", c.footer, "");
  return out.join("\n");
}
