// The report site. `arwatch report build` writes the data files into src/data and sets the
// output folder; the footer shows the as-of date and build time on every page.
import { existsSync, readFileSync } from "node:fs";

const metaFile = new URL("./src/data/meta.json", import.meta.url);
const meta = existsSync(metaFile) ? JSON.parse(readFileSync(metaFile, "utf8")) : null;
const builtAt = (iso) => `${iso.slice(0, 16).replace("T", " ")} UTC`;
const escape = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export default {
  root: "src",
  output: process.env.ARWATCH_REPORT_OUT ?? "dist",
  title: meta?.title ?? "arwatch",
  pages: [
    { name: "Overview", path: "/" },
    { name: "Aging", path: "/aging" },
    { name: "Credit", path: "/credit" },
    { name: "Expected loss", path: "/expected-loss" },
    { name: "Collections", path: "/collections" },
    { name: "Customers", path: "/customers" },
    { name: "Data quality", path: "/data-quality" },
  ],
  // The default global stylesheet loads web fonts from another host; the site must work offline.
  globalStylesheets: [],
  style: "style.css",
  // An inline favicon: no request for /favicon.ico, and no 404 in the console.
  head: '<link rel="icon" href="data:,">',
  footer: meta
    ? `As of <span class="as-of">${escape(meta.as_of_date)}</span> · built <span class="built-at">${escape(builtAt(meta.built_at))}</span> · arwatch`
    : "arwatch",
  search: true,
  pager: false,
};
