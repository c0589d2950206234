// The site's pages, in navigation order, each with the label key of its name. The Framework config
// names them in the build's language; the pages rename them in the reader's (see chrome.js).
export const NAV = [
  { path: "/", key: "overview" },
  { path: "/aging", key: "aging" },
  { path: "/credit", key: "credit" },
  { path: "/credit-checks", key: "credit_checks" },
  { path: "/expected-loss", key: "expected_loss" },
  { path: "/cash-forecast", key: "cash_forecast" },
  { path: "/collections", key: "collections" },
  { path: "/alerts", key: "alerts" },
  { path: "/customers", key: "customers" },
  { path: "/data-quality", key: "data_quality" },
];

/** Pages outside the navigation, with the label key of their name. */
const OTHER_PAGES = [{ path: "/customer", key: "customer_page" }];

/** The label key of the page at a URL path ("/aging", "/site/aging.html", "/" …), or undefined. */
export function navKeyOf(pathname) {
  const last = pathname.replace(/\/$/, "/index").split("/").pop().replace(/\.html$/, "");
  const path = last === "index" ? "/" : `/${last}`;
  return NAV.find((page) => page.path === path)?.key;
}

/** The label key of any page of the site at a URL path, listed in the navigation or not. */
export function pageKeyOf(pathname) {
  const key = navKeyOf(pathname);
  if (key) return key;
  const last = pathname.split("/").pop().replace(/\.html$/, "");
  return OTHER_PAGES.find((page) => page.path === `/${last}`)?.key;
}
