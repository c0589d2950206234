// The digest's HTML part: plain tables (mail clients never run scripts, but a name with markup
// must still stay text). Every value from the data goes
// through escapeHtml; links are built from the site's base and URL-encoded ids.
import { shownNote, type DigestContent, type Link } from "./content.ts";

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/** Text made safe for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]!);
}

// One small style sheet instead of a style per cell: a long work list stays a small message.
// Clients that drop <style> still get plain bordered tables from the attributes.
const STYLE = "body{font-family:sans-serif}table{border-collapse:collapse;margin:0 0 16px 0}th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}td.n{text-align:right;white-space:nowrap}td.d{white-space:nowrap}.note{color:#666;font-size:12px}";
const TABLE = 'border="1" cellpadding="4" cellspacing="0"';

/** A cell; numbers right-aligned, numbers and dates kept on one line. */
function cell(text: string, kind: "text" | "number" | "date" = "text"): string {
  const open = kind === "number" ? '<td class="n">' : kind === "date" ? '<td class="d">' : "<td>";
  return `${open}${escapeHtml(text)}</td>`;
}

function head(labels: string[]): string {
  return `<tr>${labels.map((l) => `<th>${escapeHtml(l)}</th>`).join("")}</tr>`;
}

function linkCell(links: Link[]): string {
  const anchors = links.map((l) => `<a href="${escapeHtml(l.url)}">${escapeHtml(l.label)}</a>`);
  return `<td>${anchors.join(" · ")}</td>`;
}

export function digestHtml(c: DigestContent): string {
  const t = c.t;
  const withLinks = c.alerts.some((a) => a.links.length > 0) || c.sections.some((s) => s.lines.some((l) => l.links.length > 0));
  const parts: string[] = [];
  parts.push(`<p>${escapeHtml(c.greeting)}</p>`);
  for (const line of c.intro) parts.push(`<p>${escapeHtml(line)}</p>`);

  parts.push(`<h2>${escapeHtml(t("alerts"))}</h2>`);
  if (c.alerts.length === 0) parts.push(`<p>${escapeHtml(t("no_alerts"))}</p>`);
  else {
    const labels = [t("alert"), t("change"), t("level"), t("customer"), t("document"), t("amount"), t("details"), t("first_seen")];
    const rows = c.alerts.map(
      (a) =>
        `<tr>${cell(a.rule)}${cell(a.change)}${cell(String(a.breach.level), "number")}${cell(a.customer)}${cell(a.document)}${cell(a.amount, "number")}${cell(a.facts)}${cell(a.breach.firstSeenAsOf, "date")}${withLinks ? linkCell(a.links) : ""}</tr>`,
    );
    parts.push(`<table ${TABLE}>${head(withLinks ? [...labels, t("links")] : labels)}${rows.join("")}</table>`);
    if (c.alertsTotal > c.alerts.length) parts.push(`<p class="note">${escapeHtml(shownNote(c, c.alerts.length, c.alertsTotal))}</p>`);
  }

  parts.push(`<h2>${escapeHtml(t("work_list"))}</h2>`);
  if (c.sections.length === 0) parts.push(`<p>${escapeHtml(t("no_work"))}</p>`);
  for (const s of c.sections) {
    parts.push(`<h3>${escapeHtml(s.title)}</h3>`);
    const labels = [t("rank"), t("customer"), t("document"), t("amount"), t("days_past_due"), t("due_date"), t("details")];
    const rows = s.lines.map(
      (l) =>
        `<tr>${cell(String(l.entry.rank), "number")}${cell(l.customer)}${cell(l.document)}${cell(l.amount, "number")}${cell(l.daysPastDue, "number")}${cell(l.dueDate, "date")}${cell(l.detail)}${withLinks ? linkCell(l.links) : ""}</tr>`,
    );
    parts.push(`<table ${TABLE}>${head(withLinks ? [...labels, t("links")] : labels)}${rows.join("")}</table>`);
    if (s.total > s.lines.length) parts.push(`<p class="note">${escapeHtml(shownNote(c, s.lines.length, s.total))}</p>`);
  }
  parts.push(`<p class="note">${escapeHtml(c.footer)}</p>`);
  return `<!doctype html>\n<html lang="${escapeHtml(c.locale)}"><head><meta charset="utf-8"><title>${escapeHtml(c.subject)}</title><style>${STYLE}</style></head>\n<body>\n${parts.join("\n")}\n</body></html>\n`;
}
