import { navKeyOf, pageKeyOf } from "./nav.js";

/**
 * Puts the parts of the page that Framework writes at build time into the reader's language:
 * the sidebar's page names, the search box, the window title, the footer and the document's
 * lang attribute (which also picks the right Thai or Vietnamese font and line breaking).
 * The build writes them in the configured language, so a reader who kept it sees no change.
 */
export function localiseChrome({ locale, t, fmt, meta, titleKey }) {
  document.documentElement.lang = locale;
  // The pages' list is the sidebar's last list; the first holds the site's title, which links home too.
  for (const link of document.querySelectorAll("#observablehq-sidebar > ol:last-of-type li a")) {
    const key = navKeyOf(new URL(link.href, location.href).pathname);
    if (key) link.textContent = t[key];
  }
  const search = document.querySelector("#observablehq-search input");
  if (search) search.placeholder = t.search;
  localiseSearchResults(t);
  if (titleKey) document.title = `${t[titleKey]} | ${meta.title}`;
  const footer = document.querySelector("#observablehq-footer > div");
  if (footer) footer.replaceChildren(...footerParts(t, fmt, meta));
}

/** The footer's text: as-of date and build time in the reader's formats, then the product name. */
function footerParts(t, fmt, meta) {
  const span = (className, text) => Object.assign(document.createElement("span"), { className, textContent: text });
  return [`${t.as_of} `, span("as-of", fmt.date(meta.as_of_date)), ` · ${t.built} `, span("built-at", fmt.dateTime(meta.built_at)), " · arwatch"];
}

/**
 * Framework's sidebar search writes its results in English ("3 results", "no results") under the
 * pages' English titles; each time it writes them, they are rewritten in the reader's language.
 */
function localiseSearchResults(t) {
  const results = document.querySelector("#observablehq-search-results");
  if (!results) return;
  const rewrite = () => {
    const count = results.querySelectorAll("li").length;
    const summary = results.querySelector(":scope > div");
    const text = count === 0 ? t.search_none : t.search_results.replace("{n}", String(count));
    if (summary && summary.textContent !== text) summary.textContent = text;
    for (const link of results.querySelectorAll("li a")) {
      const key = pageKeyOf(new URL(link.href, location.href).pathname);
      const span = link.querySelector("span");
      if (key && span && span.textContent !== t[key]) span.textContent = t[key];
    }
  };
  new MutationObserver(rewrite).observe(results, { childList: true, subtree: true });
}
