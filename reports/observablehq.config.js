// The report site. `arwatch report build` writes the data files into src/data and sets the
// output folder. Page names and the footer are written in the site's configured language
// (site.locale, carried in meta.json); each page renames them if the reader picked another.
import { existsSync, readFileSync } from "node:fs";
import { LABELS } from "./src/components/labels.js";
import { NAV } from "./src/components/nav.js";

const metaFile = new URL("./src/data/meta.json", import.meta.url);
const meta = existsSync(metaFile) ? JSON.parse(readFileSync(metaFile, "utf8")) : null;
const t = { ...LABELS.en, ...LABELS[meta?.locale] };
// UTC, so that the same warehouse builds the same pages on any machine; pages show the reader's own time.
const builtAt = (iso) => `${iso.slice(0, 16).replace("T", " ")} UTC`;
const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export default {
  root: "src",
  output: process.env.ARWATCH_REPORT_OUT ?? "dist",
  title: meta?.title ?? "arwatch",
  pages: NAV.map((page) => ({ name: t[page.key], path: page.path })),
  // The default global stylesheet loads web fonts from another host; the site must work offline.
  globalStylesheets: [],
  style: "style.css",
  // An inline favicon: no request for /favicon.ico, and no 404 in the console.
  head: '<link rel="icon" href="data:,">',
  footer: meta
    ? `${escape(t.as_of)} <span class="as-of">${escape(meta.as_of_date)}</span> · ${escape(t.built)} <span class="built-at">${escape(builtAt(meta.built_at))}</span> · arwatch`
    : "arwatch",
  search: true,
  pager: false,
};
