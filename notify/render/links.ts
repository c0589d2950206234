// Links from a digest to the report site (site.baseUrl): the customer page (customer?id=…, as the
// site's customers list links it) and the aging drill-down (aging?team=…&collector=…&group=…&customer=…,
// reports/src/components/drill.js: every level above the customer must be present, an empty value
// standing for "none"). Ids are URL-encoded; without a base URL there are no links.
import type { AgingPath } from "../digest.ts";

/** The base as "https://host/path/" (with one trailing slash), or null when absent or not http(s). */
export function siteBase(baseUrl: string | null): string | null {
  if (!baseUrl) return null;
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  url.search = "";
  url.hash = "";
  return url.href.endsWith("/") ? url.href : `${url.href}/`;
}

export function customerPageUrl(base: string, customerId: string): string {
  return `${base}customer?id=${encodeURIComponent(customerId)}`;
}

/** The customer's row of the aging drill-down when its path is known, else the aging page's top. */
export function agingUrl(base: string, customerId: string | null, path: AgingPath | undefined): string {
  if (!path || customerId === null) return `${base}aging`;
  const params = new URLSearchParams();
  params.set("team", path.team ?? "");
  params.set("collector", path.collector ?? "");
  params.set("group", path.group ?? "");
  params.set("customer", customerId);
  return `${base}aging?${params.toString()}`;
}

/** The page a portfolio alert is about: expected loss for the loss rules, the overview for the rest. */
export function portfolioUrl(base: string, rule: string): string {
  return /expected_(loss|bad_debt)/.test(rule) ? `${base}expected-loss` : base;
}
